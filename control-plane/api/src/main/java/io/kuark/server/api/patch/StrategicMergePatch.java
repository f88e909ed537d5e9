package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strategic merge patch ({@code application/strategic-merge-patch+json}): a merge patch whose lists
 * merge per {@link PatchStrategies}, with the directives {@code $patch: replace|delete|merge},
 * {@code $retainKeys}, {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}.
 */
public final class StrategicMergePatch {

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String SET_ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

  private final boolean builtIn;

  private StrategicMergePatch(boolean builtIn) {
    this.builtIn = builtIn;
  }

  /**
   * Applies {@code patch} to a copy of {@code target}.
   *
   * @param builtIn false for custom resources (their lists are atomic)
   * @throws PatchException for malformed directives
   */
  public static ObjectNode apply(ObjectNode target, JsonNode patch, boolean builtIn) {
    if (!patch.isObject()) {
      throw new PatchException("a strategic merge patch must be an object");
    }
    ObjectNode merged =
        new StrategicMergePatch(builtIn).mergeMap(target, (ObjectNode) patch, new ArrayList<>());
    return merged == null ? Json.object() : merged;
  }

  /** Returns the merged map, or null when the patch deletes it. */
  private ObjectNode mergeMap(ObjectNode original, ObjectNode patch, List<String> path) {
    String directive = patch.path(PATCH).asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      ObjectNode replaced = patch.deepCopy();
      stripDirectives(replaced);
      return replaced;
    }
    ObjectNode result = original == null ? Json.object() : original.deepCopy();
    Map<String, ArrayNode> orders = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.equals(PATCH) || key.equals(RETAIN_KEYS)) {
        continue;
      }
      if (key.startsWith(SET_ORDER)) {
        if (!value.isArray()) {
          throw new PatchException("invalid patch: " + key + " must be a list");
        }
        orders.put(key.substring(SET_ORDER.length()), (ArrayNode) value);
        continue;
      }
      if (key.startsWith(DELETE_PRIMITIVE)) {
        String field = key.substring(DELETE_PRIMITIVE.length());
        JsonNode current = result.get(field);
        if (current instanceof ArrayNode list) {
          result.set(field, withoutValues(list, value));
        }
        continue;
      }
      path.add(key);
      try {
        if (value.isNull()) {
          result.remove(key);
        } else if (value.isObject()) {
          JsonNode current = result.get(key);
          ObjectNode merged =
              mergeMap(current instanceof ObjectNode o ? o : null, (ObjectNode) value, path);
          if (merged == null) {
            result.remove(key);
          } else {
            result.set(key, merged);
          }
        } else if (value.isArray()) {
          JsonNode current = result.get(key);
          result.set(
              key,
              mergeList(
                  current instanceof ArrayNode a ? a : Json.NODES.arrayNode(),
                  (ArrayNode) value,
                  PatchStrategies.forPath(path, builtIn),
                  path));
        } else {
          result.set(key, value.deepCopy());
        }
      } finally {
        path.remove(path.size() - 1);
      }
    }
    for (Map.Entry<String, ArrayNode> order : orders.entrySet()) {
      JsonNode list = result.get(order.getKey());
      if (list instanceof ArrayNode array) {
        path.add(order.getKey());
        ListStrategy strategy = PatchStrategies.forPath(path, builtIn);
        path.remove(path.size() - 1);
        result.set(order.getKey(), reorder(array, order.getValue(), strategy));
      }
    }
    JsonNode retain = patch.get(RETAIN_KEYS);
    if (retain != null) {
      if (!retain.isArray()) {
        throw new PatchException("invalid patch: $retainKeys must be a list");
      }
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      List<String> names = new ArrayList<>();
      result.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!keep.contains(name)) {
          result.remove(name);
        }
      }
    }
    return result;
  }

  private ArrayNode mergeList(
      ArrayNode original, ArrayNode patch, ListStrategy strategy, List<String> path) {
    switch (strategy.kind()) {
      case MERGE_SET:
        {
          ArrayNode out = original.deepCopy();
          for (JsonNode item : patch) {
            if (!contains(out, item)) {
              out.add(item.deepCopy());
            }
          }
          return out;
        }
      case MERGE_BY_KEY:
        return mergeKeyedList(original, patch, strategy.mergeKey(), path);
      default:
        {
          ArrayNode out = Json.NODES.arrayNode();
          for (JsonNode item : patch) {
            if (item.isObject() && item.has(PATCH)) {
              continue;
            }
            out.add(item.deepCopy());
          }
          return out;
        }
    }
  }

  private ArrayNode mergeKeyedList(
      ArrayNode original, ArrayNode patch, String mergeKey, List<String> path) {
    for (JsonNode item : patch) {
      if (item.isObject() && item.path(PATCH).asText("").equals("replace")) {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode other : patch) {
          if (!(other.isObject() && other.has(PATCH))) {
            out.add(other.deepCopy());
          }
        }
        return out;
      }
    }
    ArrayNode out = original.deepCopy();
    for (JsonNode item : patch) {
      if (!item.isObject()) {
        throw new PatchException("invalid patch: items of a merging list must be objects");
      }
      JsonNode keyValue = item.get(mergeKey);
      if (keyValue == null) {
        throw new PatchException(
            "map: " + item + " does not contain declared merge key: " + mergeKey);
      }
      int at = indexOf(out, mergeKey, keyValue);
      if (item.path(PATCH).asText("").equals("delete")) {
        if (at >= 0) {
          out.remove(at);
        }
        continue;
      }
      if (at >= 0) {
        ObjectNode merged = mergeMap((ObjectNode) out.get(at), (ObjectNode) item, path);
        if (merged == null) {
          out.remove(at);
        } else {
          out.set(at, merged);
        }
      } else {
        ObjectNode added = mergeMap(null, (ObjectNode) item, path);
        if (added != null) {
          out.add(added);
        }
      }
    }
    return out;
  }

  /**
   * Orders {@code list} as {@code order} says; items the order does not name keep their relative
   * position after the named ones.
   */
  private static ArrayNode reorder(ArrayNode list, ArrayNode order, ListStrategy strategy) {
    List<JsonNode> remaining = new ArrayList<>();
    list.forEach(remaining::add);
    ArrayNode out = Json.NODES.arrayNode();
    for (JsonNode wanted : order) {
      for (Iterator<JsonNode> it = remaining.iterator(); it.hasNext(); ) {
        JsonNode item = it.next();
        boolean same =
            strategy.kind() == ListStrategy.Kind.MERGE_BY_KEY
                ? item.path(strategy.mergeKey()).equals(wanted.path(strategy.mergeKey()))
                : item.equals(wanted);
        if (same) {
          out.add(item);
          it.remove();
          break;
        }
      }
    }
    remaining.forEach(out::add);
    return out;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i).get(key);
      if (v != null && sameKey(v, value)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameKey(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.asLong() == b.asLong();
    }
    return a.asText().equals(b.asText());
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode item : list) {
      if (item.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static ArrayNode withoutValues(ArrayNode list, JsonNode remove) {
    ArrayNode out = Json.NODES.arrayNode();
    for (JsonNode item : list) {
      boolean drop = false;
      for (JsonNode r : remove) {
        if (r.equals(item)) {
          drop = true;
          break;
        }
      }
      if (!drop) {
        out.add(item);
      }
    }
    return out;
  }

  private static void stripDirectives(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(PATCH);
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (n.startsWith(SET_ORDER) || n.startsWith(DELETE_PRIMITIVE) || n.equals(RETAIN_KEYS)) {
          object.remove(n);
        } else {
          stripDirectives(object.get(n));
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(StrategicMergePatch::stripDirectives);
    }
  }
}
