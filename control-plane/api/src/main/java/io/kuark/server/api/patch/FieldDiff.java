package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a write changed, as field paths: fields the new object sets that the old one did not ({@code
 * added}), fields whose value changed ({@code modified}) and fields the new object no longer sets
 * ({@code removed}). Nodes with children are compared through their children only.
 */
public record FieldDiff(
    Set<List<String>> added, Set<List<String>> modified, Set<List<String>> removed) {

  /** Compares two objects whose field sets are {@code oldSet} and {@code newSet}. */
  public static FieldDiff of(
      JsonNode oldObject, Set<List<String>> oldSet, JsonNode newObject, Set<List<String>> newSet) {
    Set<List<String>> added = new HashSet<>(newSet);
    added.removeAll(oldSet);
    Set<List<String>> removed = new HashSet<>(oldSet);
    removed.removeAll(newSet);
    Set<List<String>> inner = FieldPaths.prefixes(oldSet);
    inner.addAll(FieldPaths.prefixes(newSet));
    Set<List<String>> modified = new HashSet<>();
    for (List<String> path : newSet) {
      if (!oldSet.contains(path) || inner.contains(path)) {
        continue;
      }
      if (!FieldPaths.valueAt(oldObject, path).equals(FieldPaths.valueAt(newObject, path))) {
        modified.add(path);
      }
    }
    return new FieldDiff(added, modified, removed);
  }

  /** Added and modified: the fields a write set to a new value. */
  public Set<List<String>> changed() {
    Set<List<String>> out = new HashSet<>(added);
    out.addAll(modified);
    return out;
  }

  public boolean isEmpty() {
    return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
  }
}
