package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * Upstream's default table for kinds without printers: Name and Created At. Used when no better
 * printer is known for a type.
 */
public final class DefaultTableConverter implements TableConverter {

  @Override
  public ArrayNode columns(ResourceType type) {
    ArrayNode columns = Json.NODES.arrayNode();
    ObjectNode name = columns.addObject();
    name.put("name", "Name");
    name.put("type", "string");
    name.put("format", "name");
    name.put("description", "Name must be unique within a namespace.");
    name.put("priority", 0);
    ObjectNode created = columns.addObject();
    created.put("name", "Created At");
    created.put("type", "date");
    created.put("format", "");
    created.put(
        "description",
        "CreationTimestamp is a timestamp representing the server time when this object was created.");
    created.put("priority", 0);
    return columns;
  }

  @Override
  public List<Object> cells(ResourceType type, ObjectNode object) {
    return List.of(Meta.name(object), object.path("metadata").path("creationTimestamp").asText(""));
  }
}
