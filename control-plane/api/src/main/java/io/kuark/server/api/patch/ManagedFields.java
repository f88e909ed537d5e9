package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.Meta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The field manager: keeps {@code metadata.managedFields} as upstream does for every write.
 *
 * <ul>
 *   <li>Non-apply writes (create, update, patch, scale) are {@code Update} operations: the writer
 *       takes every field it added or changed, from whoever owned it (no conflicts), and fields it
 *       removed leave every manager's set.
 *   <li>Apply takes exactly the fields of the applied configuration. A field another manager owns
 *       that the apply changes is a conflict (409) unless forced, in which case the other manager
 *       loses it. Fields the applier applied last time, does not apply now, and nobody else owns
 *       are removed from the object.
 * </ul>
 */
public final class ManagedFields {

  /**
   * Who writes.
   *
   * @param name the field manager ({@code fieldManager} or the user agent's product)
   * @param subresource "" for the main resource, "status", "scale"
   * @param apiVersion the group/version the write was made in
   */
  public record Manager(String name, String subresource, String apiVersion) {}

  /** Which fields of an applied configuration count (upstream's reset fields). */
  public enum Scope {
    WHOLE,
    /** The main resource of a type with a status subresource: status is ignored. */
    NO_STATUS,
    /** The status subresource: only status counts. */
    STATUS_ONLY
  }

  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  /** One managedFields entry: its identity and metadata, and the fields it owns. */
  static final class Entry {
    final ObjectNode info;
    Set<List<String>> fields;

    Entry(ObjectNode info, Set<List<String>> fields) {
      this.info = info;
      this.fields = fields;
    }

    String operation() {
      return info.path("operation").asText();
    }

    String time() {
      return info.path("time").asText("");
    }

    /** Upstream's manager identifier: appliers are one manager whatever version they use. */
    String identity() {
      return info.path("manager").asText()
          + "\n"
          + operation()
          + "\n"
          + info.path("subresource").asText("")
          + "\n"
          + (operation().equals(APPLY) ? "" : info.path("apiVersion").asText());
    }
  }

  private ManagedFields() {}

  /**
   * Records a non-apply write of {@code next} over {@code live} ({@code null} for a create) in
   * {@code next}'s managedFields. Managed fields the client sent are honoured on the main resource
   * ({@code []} or {@code [{}]} resets them), otherwise the live ones are kept.
   */
  public static void update(ObjectNode live, ObjectNode next, Manager who, boolean builtIn) {
    List<Entry> entries = liveOrNew(live, next, !who.subresource().isEmpty());
    JsonNode before = live == null ? Json.object() : live;
    FieldDiff diff =
        FieldDiff.of(before, FieldSet.paths(before, builtIn), next, FieldSet.paths(next, builtIn));
    if (!diff.isEmpty()) {
      Set<List<String>> changed = diff.changed();
      disown(entries, changed);
      disown(entries, diff.removed());
      Entry self = entry(who, UPDATE);
      Entry previous = take(entries, self.identity());
      if (previous != null) {
        changed.addAll(previous.fields);
      }
      self.fields = changed;
      if (!changed.isEmpty()) {
        entries.add(self);
      }
    }
    UpdateManagerCap.apply(entries, UpdateManagerCap.MAX_UPDATE_MANAGERS);
    encode(next, entries);
  }

  /**
   * Records an apply of {@code applied} that produced {@code merged} from {@code live} (an empty
   * object for a create): prunes the fields the applier dropped, checks conflicts and sets the
   * managedFields of {@code merged}.
   *
   * @throws io.kuark.server.api.http.ApiException 409 Conflict when not forced and the apply
   *     changes fields other managers own
   */
  public static void apply(
      ObjectNode live,
      ObjectNode applied,
      ObjectNode merged,
      Manager who,
      Scope scope,
      boolean builtIn,
      boolean force) {
    List<Entry> entries = decode(live.path("metadata").path("managedFields"));
    Entry self = entry(who, APPLY);
    Entry previous = take(entries, self.identity());
    self.fields = scoped(FieldSet.paths(applied, builtIn), scope);
    if (previous != null) {
      prune(merged, previous.fields, self.fields, entries);
    }
    FieldDiff diff =
        FieldDiff.of(live, FieldSet.paths(live, builtIn), merged, FieldSet.paths(merged, builtIn));
    Set<List<String>> changed = diff.changed();
    List<ApplyConflicts.Conflict> conflicts = new ArrayList<>();
    for (Entry e : entries) {
      for (List<String> path : e.fields) {
        if (changed.contains(path)) {
          conflicts.add(new ApplyConflicts.Conflict(e.info, path, FieldPaths.render(path)));
        }
      }
    }
    if (!conflicts.isEmpty() && !force) {
      conflicts.sort(Comparator.comparing(ApplyConflicts.Conflict::field));
      throw ApplyConflicts.error(conflicts);
    }
    disown(entries, changed);
    disown(entries, diff.removed());
    if (!self.fields.isEmpty()) {
      entries.add(self);
    }
    encode(merged, entries);
  }

  /**
   * Removes from {@code merged} what the applier owned last time ({@code last}), no longer applies
   * ({@code applied}) and nobody else owns, with nothing owned below it.
   */
  private static void prune(
      ObjectNode merged, Set<List<String>> last, Set<List<String>> applied, List<Entry> others) {
    Set<List<String>> owned = new HashSet<>(applied);
    for (Entry e : others) {
      owned.addAll(e.fields);
    }
    List<List<String>> gone = new ArrayList<>();
    for (List<String> path : last) {
      if (!owned.contains(path) && !FieldPaths.hasDescendant(owned, path)) {
        gone.add(path);
      }
    }
    // Shallowest first: a keyed item must go while it still has its key field (removing its
    // children first would leave an item that can no longer be found).
    gone.sort(Comparator.comparingInt(List::size));
    for (List<String> path : gone) {
      FieldPaths.remove(merged, path, owned);
    }
  }

  private static Set<List<String>> scoped(Set<List<String>> paths, Scope scope) {
    if (scope == Scope.WHOLE) {
      return paths;
    }
    Set<List<String>> out = new HashSet<>();
    for (List<String> p : paths) {
      boolean status = p.get(0).equals("f:status");
      if (status == (scope == Scope.STATUS_ONLY)) {
        out.add(p);
      }
    }
    return out;
  }

  private static Entry entry(Manager who, String operation) {
    ObjectNode info = Json.object();
    info.put("manager", who.name());
    info.put("operation", operation);
    info.put("apiVersion", who.apiVersion());
    info.put("time", Meta.format(Instant.now()));
    info.put("fieldsType", "FieldsV1");
    if (!who.subresource().isEmpty()) {
      info.put("subresource", who.subresource());
    }
    return new Entry(info, new HashSet<>());
  }

  /** Removes {@code paths} from every entry; entries left owning nothing are dropped. */
  private static void disown(List<Entry> entries, Set<List<String>> paths) {
    if (paths.isEmpty()) {
      return;
    }
    entries.removeIf(
        e -> {
          e.fields.removeAll(paths);
          return e.fields.isEmpty();
        });
  }

  private static Entry take(List<Entry> entries, String identity) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).identity().equals(identity)) {
        return entries.remove(i);
      }
    }
    return null;
  }

  /** Upstream's decodeLiveOrNew: the client's managedFields if it sent some, else the live ones. */
  private static List<Entry> liveOrNew(ObjectNode live, ObjectNode next, boolean subresource) {
    JsonNode liveFields =
        live == null ? Json.NODES.arrayNode() : live.path("metadata").path("managedFields");
    if (subresource) {
      return decode(liveFields);
    }
    JsonNode sent = next.path("metadata").path("managedFields");
    if (sent.isArray()
        && (sent.isEmpty()
            || (sent.size() == 1 && sent.get(0).isObject() && sent.get(0).isEmpty()))) {
      return new ArrayList<>();
    }
    List<Entry> decoded = decode(sent);
    return decoded.isEmpty() ? decode(liveFields) : decoded;
  }

  /** The entries of a managedFields list; a malformed list decodes to nothing. */
  private static List<Entry> decode(JsonNode list) {
    List<Entry> out = new ArrayList<>();
    if (!list.isArray()) {
      return out;
    }
    for (JsonNode e : list) {
      if (!e.isObject()
          || !e.path("manager").isTextual()
          || !(e.path("fieldsV1").isObject() || e.path("fieldsV1").isMissingNode())) {
        return new ArrayList<>();
      }
      ObjectNode info = e.deepCopy();
      info.remove("fieldsV1");
      out.add(new Entry(info, FieldPaths.of(e.path("fieldsV1"))));
    }
    return out;
  }

  /** Writes the entries, sorted as upstream sorts them (appliers first, then by time). */
  private static void encode(ObjectNode object, List<Entry> entries) {
    ObjectNode meta = Meta.metadata(object);
    if (entries.isEmpty()) {
      meta.remove("managedFields");
      return;
    }
    entries.sort(
        Comparator.comparing(Entry::operation)
            .thenComparing(e -> e.info.path("time").asText(""))
            .thenComparing(e -> e.info.path("manager").asText())
            .thenComparing(e -> e.info.path("apiVersion").asText())
            .thenComparing(e -> e.info.path("subresource").asText("")));
    ArrayNode out = Json.NODES.arrayNode();
    for (Entry e : entries) {
      ObjectNode entry = out.addObject();
      entry.setAll(e.info);
      entry.remove("fieldsV1");
      entry.put("fieldsType", "FieldsV1");
      entry.set("fieldsV1", FieldPaths.toFieldsV1(e.fields));
      if (entry.has("subresource")) {
        // Keep upstream's field order: subresource last.
        entry.set("subresource", entry.remove("subresource"));
      }
    }
    meta.set("managedFields", out);
  }
}
