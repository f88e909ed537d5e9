package io.kuark.agent.network.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One partial sync being assembled: the chains, sets and map elements that change, rendered as a
 * single {@code nft -f} script (one kernel transaction). Statements are grouped so that inside the
 * transaction references go before what they point to and targets exist before references: element
 * deletions, new sets and chains, rules, removed chains (flushed, then deleted), removed sets,
 * element additions.
 *
 * <p>Element changes are netted per key: when several Services touch the same key in one sync (e.g.
 * a NodePort moving from a deleted Service to an older claimant), only the programmed value before
 * and the wanted value after count.
 */
final class NftTransaction {
  /** Value of an element of a plain set (no verdict). */
  static final String PRESENT = "";

  private final String table;
  private final boolean recording;
  private final StringBuilder newObjects = new StringBuilder();
  private final StringBuilder rules = new StringBuilder();
  private final StringBuilder flushGone = new StringBuilder();
  private final StringBuilder deleteGone = new StringBuilder();
  private final StringBuilder deleteSets = new StringBuilder();
  // map or set name -> element key -> {programmed value before, wanted value after}; null = absent
  private final Map<String, Map<String, String[]>> elements = new TreeMap<>();

  /**
   * @param table the proxy table, e.g. {@code ip kuark-proxy}
   */
  NftTransaction(String table) {
    this(table, true);
  }

  private NftTransaction(String table, boolean recording) {
    this.table = table;
    this.recording = recording;
  }

  /** A transaction that records nothing: for building a {@link ProxyTable} a full sync replaces. */
  static NftTransaction discarding() {
    return new NftTransaction("", false);
  }

  void addSet(String name, String definition) {
    if (!recording) {
      return;
    }
    newObjects.append("add set ").append(table).append(' ').append(name).append(' ');
    newObjects.append(definition).append('\n');
  }

  void addChain(String name, List<String> chainRules) {
    if (!recording) {
      return;
    }
    newObjects.append("add chain ").append(table).append(' ').append(name).append('\n');
    appendRules(rules, table, name, chainRules);
  }

  void replaceRules(String chain, List<String> chainRules) {
    if (!recording) {
      return;
    }
    rules.append("flush chain ").append(table).append(' ').append(chain).append('\n');
    appendRules(rules, table, chain, chainRules);
  }

  void removeChain(String name) {
    if (!recording) {
      return;
    }
    // Flushing every removed chain before deleting any lets removed chains reference each other.
    flushGone.append("flush chain ").append(table).append(' ').append(name).append('\n');
    deleteGone.append("delete chain ").append(table).append(' ').append(name).append('\n');
  }

  void removeSet(String name) {
    if (!recording) {
      return;
    }
    deleteSets.append("delete set ").append(table).append(' ').append(name).append('\n');
  }

  /**
   * Records that element {@code key} of {@code map} goes from {@code before} to {@code after} (null
   * = absent, {@link #PRESENT} for plain sets).
   */
  void element(String map, String key, String before, String after) {
    if (!recording) {
      return;
    }
    String[] change =
        elements.computeIfAbsent(map, m -> new TreeMap<>()).computeIfAbsent(key, k -> null);
    if (change == null) {
      elements.get(map).put(key, new String[] {before, after});
    } else {
      change[1] = after;
    }
  }

  boolean isEmpty() {
    return script().isEmpty();
  }

  String script() {
    StringBuilder s = new StringBuilder();
    List<Map.Entry<String, List<Map.Entry<String, String>>>> adds = new ArrayList<>();
    for (var map : elements.entrySet()) {
      List<Map.Entry<String, String>> gone = new ArrayList<>();
      List<Map.Entry<String, String>> added = new ArrayList<>();
      for (var e : map.getValue().entrySet()) {
        String before = e.getValue()[0];
        String after = e.getValue()[1];
        if (Objects.equals(before, after)) {
          continue;
        }
        if (before != null) {
          gone.add(Map.entry(e.getKey(), before));
        }
        if (after != null) {
          added.add(Map.entry(e.getKey(), after));
        }
      }
      appendElements(s, "delete", table, map.getKey(), gone, false);
      adds.add(Map.entry(map.getKey(), added));
    }
    s.append(newObjects).append(rules).append(flushGone).append(deleteGone).append(deleteSets);
    for (var add : adds) {
      appendElements(s, "add", table, add.getKey(), add.getValue(), true);
    }
    return s.toString();
  }

  static void appendRules(StringBuilder s, String t, String chain, List<String> chainRules) {
    for (String rule : chainRules) {
      s.append("add rule ").append(t).append(' ').append(chain).append(' ').append(rule);
      s.append('\n');
    }
  }

  /** Appends element statements, 500 per line (short lines, still one transaction). */
  static void appendElements(
      StringBuilder s,
      String verb,
      String t,
      String map,
      List<Map.Entry<String, String>> elements,
      boolean withValue) {
    for (int i = 0; i < elements.size(); i += 500) {
      s.append(verb).append(" element ").append(t).append(' ').append(map).append(" { ");
      List<Map.Entry<String, String>> batch =
          elements.subList(i, Math.min(i + 500, elements.size()));
      for (int j = 0; j < batch.size(); j++) {
        if (j > 0) {
          s.append(", ");
        }
        s.append(batch.get(j).getKey());
        String value = batch.get(j).getValue();
        if (withValue && !value.isEmpty()) {
          s.append(" : ").append(value);
        }
      }
      s.append(" }\n");
    }
  }
}
