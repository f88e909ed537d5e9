package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * Renders objects as {@code meta.k8s.io Table} columns and cells (kubectl's server-side printing).
 */
public interface TableConverter {

  /** The column definitions for {@code type}. */
  ArrayNode columns(ResourceType type);

  /** The cells of one row, matching {@link #columns}. */
  List<Object> cells(ResourceType type, ObjectNode object);
}
