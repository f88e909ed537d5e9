package io.kuark.agent.network.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * The difference between kernel state and wanted state, both keyed the way the kernel identifies
 * entries (a route by destination, a neighbour by address, an fdb entry by MAC).
 *
 * @param remove existing entries whose key is no longer wanted
 * @param upsert wanted entries that are missing or differ from the existing entry with their key
 */
public record KeyedDiff<V>(List<V> remove, List<V> upsert) {

  public static <K, V> KeyedDiff<V> of(
      Map<K, V> existing, Map<K, V> wanted, BiPredicate<V, V> same) {
    List<V> remove = new ArrayList<>();
    for (Map.Entry<K, V> e : existing.entrySet()) {
      if (!wanted.containsKey(e.getKey())) {
        remove.add(e.getValue());
      }
    }
    List<V> upsert = new ArrayList<>();
    for (Map.Entry<K, V> e : wanted.entrySet()) {
      V current = existing.get(e.getKey());
      if (current == null || !same.test(current, e.getValue())) {
        upsert.add(e.getValue());
      }
    }
    return new KeyedDiff<>(List.copyOf(remove), List.copyOf(upsert));
  }

  public boolean isEmpty() {
    return remove.isEmpty() && upsert.isEmpty();
  }
}
