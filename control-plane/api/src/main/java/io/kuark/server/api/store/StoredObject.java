package io.kuark.server.api.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An object read from storage.
 *
 * @param object the object with {@code metadata.resourceVersion} set to {@code modRevision}
 * @param modRevision the storage mod revision (for compare-and-swap)
 */
public record StoredObject(ObjectNode object, long modRevision) {}
