package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.select.ObjectFilter;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StorageKeys;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.ContinueToken;
import java.util.ArrayList;
import java.util.List;

/**
 * Filtered, paginated lists. Without selectors a page is one storage page; with selectors storage
 * pages are read until {@code limit} objects match, and the continue token then points just after
 * the last returned object (still at the first page's revision).
 */
final class Lister {

  private final ObjectStore store;

  Lister(ObjectStore store) {
    this.store = store;
  }

  /**
   * @param limit page size, 0 for everything
   * @param continueToken token of the previous page or empty
   * @param atRevision 0 for the latest, else an exact revision
   */
  StoredList list(
      ResourceType type, ObjectFilter filter, int limit, String continueToken, long atRevision) {
    String token = continueToken == null || continueToken.isEmpty() ? null : continueToken;
    boolean filtering = !filter.labels().isEverything() || !filter.fields().isEverything();
    if (!filtering) {
      return store.list(type, filter.namespace(), limit, token, atRevision);
    }
    String prefix = StorageKeys.listPrefix(type, filter.namespace());
    List<ObjectNode> matched = new ArrayList<>();
    long revision = 0;
    int pageSize = limit == 0 ? 0 : Math.max(limit, 500);
    while (true) {
      StoredList page = store.list(type, filter.namespace(), pageSize, token, atRevision);
      revision = page.revision();
      atRevision = 0;
      List<ObjectNode> items = page.items();
      for (int i = 0; i < items.size(); i++) {
        ObjectNode item = items.get(i);
        if (!filter.matches(item)) {
          continue;
        }
        matched.add(item);
        boolean more = i < items.size() - 1 || page.continueToken() != null;
        if (limit > 0 && matched.size() == limit && more) {
          String key = StorageKeys.key(type, namespaceOf(item), nameOf(item));
          String next =
              new ContinueToken(revision, key.substring(prefix.length()) + "\u0000").encode();
          return new StoredList(matched, revision, next, -1);
        }
      }
      if (page.continueToken() == null) {
        return new StoredList(matched, revision, null, -1);
      }
      token = page.continueToken();
    }
  }

  private static String namespaceOf(ObjectNode item) {
    return item.path("metadata").path("namespace").asText("");
  }

  private static String nameOf(ObjectNode item) {
    return item.path("metadata").path("name").asText("");
  }

  /** Parses {@code limit}: non-negative integer. */
  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      long v = Long.parseLong(text);
      return v <= 0 ? 0 : (int) Math.min(v, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid limit: " + text);
    }
  }
}
