package io.kuark.server.apimodel.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A resource name → quantity map ({@code requests.cpu: 500m}) with the set arithmetic of upstream's
 * {@code quota/v1} helpers. Sorted by name, as upstream prints them.
 */
public final class ResourceList {

  private final TreeMap<String, Quantity> items = new TreeMap<>();

  public ResourceList() {}

  /** The quantities of a JSON map; entries that do not parse are skipped (validation's job). */
  public static ResourceList of(JsonNode map) {
    ResourceList out = new ResourceList();
    if (map != null && map.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = map.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        try {
          out.items.put(e.getKey(), Quantity.parse(e.getValue().asText()));
        } catch (IllegalArgumentException ignored) {
          // Invalid quantities are rejected by validation, not counted here.
        }
      }
    }
    return out;
  }

  public ResourceList put(String name, Quantity q) {
    items.put(name, q);
    return this;
  }

  public Quantity get(String name) {
    return items.get(name);
  }

  public boolean has(String name) {
    return items.containsKey(name);
  }

  public Set<String> names() {
    return items.keySet();
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  public ResourceList copy() {
    ResourceList out = new ResourceList();
    out.items.putAll(items);
    return out;
  }

  /** Element-wise sum (names of either side). */
  public ResourceList plus(ResourceList other) {
    ResourceList out = copy();
    for (Map.Entry<String, Quantity> e : other.items.entrySet()) {
      Quantity mine = out.items.get(e.getKey());
      out.items.put(e.getKey(), mine == null ? e.getValue() : mine.add(e.getValue()));
    }
    return out;
  }

  /** Element-wise difference (names of either side). */
  public ResourceList minus(ResourceList other) {
    ResourceList out = copy();
    for (Map.Entry<String, Quantity> e : other.items.entrySet()) {
      Quantity mine = out.items.get(e.getKey());
      out.items.put(
          e.getKey(),
          mine == null ? Quantity.ZERO.subtract(e.getValue()) : mine.subtract(e.getValue()));
    }
    return out;
  }

  /** Element-wise maximum (names of either side). */
  public ResourceList max(ResourceList other) {
    ResourceList out = copy();
    for (Map.Entry<String, Quantity> e : other.items.entrySet()) {
      Quantity mine = out.items.get(e.getKey());
      if (mine == null || mine.compareTo(e.getValue()) < 0) {
        out.items.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Only the entries whose names are in {@code names}. */
  public ResourceList mask(Collection<String> names) {
    ResourceList out = new ResourceList();
    for (String n : names) {
      Quantity q = items.get(n);
      if (q != null) {
        out.items.put(n, q);
      }
    }
    return out;
  }

  /** Without zero entries. */
  public ResourceList withoutZeros() {
    ResourceList out = new ResourceList();
    for (Map.Entry<String, Quantity> e : items.entrySet()) {
      if (!e.getValue().isZero()) {
        out.items.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /** Names whose quantity here is above the one in {@code limits} (names missing there pass). */
  public List<String> exceeding(ResourceList limits) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Quantity> e : items.entrySet()) {
      Quantity limit = limits.items.get(e.getKey());
      if (limit != null && e.getValue().compareTo(limit) > 0) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The JSON map, quantities in canonical form. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, Quantity> e : items.entrySet()) {
      out.put(e.getKey(), e.getValue().toString());
    }
    return out;
  }

  /** Upstream's prettyPrint: {@code limits.cpu=2,pods=1}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Quantity> e : items.entrySet()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(e.getKey()).append('=').append(e.getValue());
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceList r && items.equals(r.items);
  }

  @Override
  public int hashCode() {
    return items.hashCode();
  }
}
