package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's cap on {@code Update} entries in managedFields: an object written by many different
 * non-apply managers (controllers with changing user agents, scripts) would otherwise carry one
 * entry per writer forever. Once there are more than {@link #MAX_UPDATE_MANAGERS}, the oldest are
 * merged, per API version, into one {@code ancient-changes} entry that owns the union of their
 * fields and carries the time of the newest one merged. Apply entries are never merged.
 */
final class UpdateManagerCap {

  /** Upstream's {@code DefaultMaxUpdateManagers}. */
  static final int MAX_UPDATE_MANAGERS = 10;

  /** Upstream's name for the merged entry. */
  static final String ANCIENT_CHANGES = "ancient-changes";

  private UpdateManagerCap() {}

  /** Merges the oldest Update entries of {@code entries} until at most {@code max} remain. */
  static void apply(List<ManagedFields.Entry> entries, int max) {
    List<ManagedFields.Entry> updaters = new ArrayList<>();
    for (ManagedFields.Entry e : entries) {
      if (!e.operation().equals(ManagedFields.APPLY)) {
        updaters.add(e);
      }
    }
    if (updaters.size() <= max) {
      return;
    }
    // Oldest first; RFC 3339 times of one form sort as text. Ties go by identity, as upstream
    // breaks them by the manager identifier.
    updaters.sort(
        Comparator.comparing(ManagedFields.Entry::time)
            .thenComparing(ManagedFields.Entry::identity));
    // The first entry seen of each version becomes that version's bucket once a second one of the
    // same version has to go (unless an earlier write left a bucket of that version).
    Map<String, ManagedFields.Entry> firstOfVersion = new HashMap<>();
    int remaining = updaters.size();
    for (int i = 0; i < updaters.size() && remaining > max; i++) {
      ManagedFields.Entry e = updaters.get(i);
      String version = e.info.path("apiVersion").asText("");
      ManagedFields.Entry first = firstOfVersion.get(version);
      if (first == null) {
        firstOfVersion.put(version, e);
        continue;
      }
      ManagedFields.Entry bucket = bucket(entries, version);
      if (bucket == null) {
        bucket = new ManagedFields.Entry(bucketInfo(version), first.fields);
        entries.set(entries.indexOf(first), bucket);
      } else if (bucket == e) {
        // The bucket itself came up (it is newer than the first entry of its version).
        continue;
      }
      bucket.fields.addAll(e.fields);
      // The time of the newest change merged in.
      bucket.info.put("time", e.time());
      entries.remove(e);
      remaining--;
    }
  }

  /** The {@code ancient-changes} entry of {@code version} an earlier write left, if any. */
  private static ManagedFields.Entry bucket(List<ManagedFields.Entry> entries, String version) {
    for (ManagedFields.Entry e : entries) {
      if (e.operation().equals(ManagedFields.UPDATE)
          && e.info.path("manager").asText().equals(ANCIENT_CHANGES)
          && e.info.path("apiVersion").asText("").equals(version)
          && e.info.path("subresource").asText("").isEmpty()) {
        return e;
      }
    }
    return null;
  }

  private static ObjectNode bucketInfo(String version) {
    ObjectNode info = Json.object();
    info.put("manager", ANCIENT_CHANGES);
    info.put("operation", ManagedFields.UPDATE);
    info.put("apiVersion", version);
    info.put("time", "");
    info.put("fieldsType", "FieldsV1");
    return info;
  }
}
