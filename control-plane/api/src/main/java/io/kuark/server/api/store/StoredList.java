package io.kuark.server.api.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of objects.
 *
 * @param items objects with their resourceVersions set
 * @param revision the revision the list is a snapshot of (the list's resourceVersion)
 * @param continueToken token for the next page, or null
 * @param remainingItemCount items after this page, -1 if unknown
 */
public record StoredList(
    List<ObjectNode> items, long revision, String continueToken, long remainingItemCount) {}
