package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of a write.
 *
 * @param object the object as stored (or as it would be, for dry runs)
 * @param warnings admission warnings
 * @param created true when the write created the object
 */
public record WriteResult(ObjectNode object, List<String> warnings, boolean created) {}
