package io.kuark.server.storage;

import java.util.List;

/**
 * One page of a list.
 *
 * @param items the keys in lexical key order
 * @param revision the revision the whole list (all pages) is a snapshot of
 * @param continueToken opaque token for the next page, or {@code null} when this is the last page
 * @param remainingItemCount how many items follow this page at {@code revision}, or -1 if unknown
 */
public record ListResult(
    List<KeyValue> items, long revision, String continueToken, long remainingItemCount) {}
