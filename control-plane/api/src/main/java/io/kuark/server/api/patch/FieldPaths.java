package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Field sets as flat sets of paths, and the conversions to and from upstream's {@code fieldsV1}
 * tree. A path is the list of fieldsV1 keys from the root ({@code f:spec}, {@code
 * k:{"name":"app"}}, {@code v:"x"}); a set holds the paths that are members (owned), not the
 * prefixes leading to them. Flat sets make union, difference and intersection plain {@link Set}
 * operations.
 */
public final class FieldPaths {

  private FieldPaths() {}

  /** The member paths of a fieldsV1 tree: leaves ({@code {}}) and nodes marked with {@code .}. */
  public static Set<List<String>> of(JsonNode fieldsV1) {
    Set<List<String>> out = new HashSet<>();
    if (fieldsV1 != null && fieldsV1.isObject()) {
      collect(fieldsV1, new ArrayList<>(), out);
    }
    return out;
  }

  private static void collect(JsonNode node, List<String> path, Set<List<String>> out) {
    if (!path.isEmpty() && (node.isEmpty() || node.has("."))) {
      out.add(List.copyOf(path));
    }
    Iterator<String> keys = node.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (key.equals(".")) {
        continue;
      }
      path.add(key);
      collect(node.get(key), path, out);
      path.remove(path.size() - 1);
    }
  }

  /**
   * The fieldsV1 tree of {@code paths}: keys sorted as upstream serializes them ({@code .} first,
   * then fields, keys and values), a member with children marked with {@code .}.
   */
  public static ObjectNode toFieldsV1(Set<List<String>> paths) {
    Node root = new Node();
    for (List<String> path : paths) {
      Node n = root;
      for (String key : path) {
        n = n.children.computeIfAbsent(key, k -> new Node());
      }
      n.member = true;
    }
    return root.toJson();
  }

  private static final class Node {
    boolean member;
    final TreeMap<String, Node> children = new TreeMap<>();

    ObjectNode toJson() {
      ObjectNode out = Json.object();
      if (member && !children.isEmpty()) {
        out.putObject(".");
      }
      for (Map.Entry<String, Node> e : children.entrySet()) {
        out.set(e.getKey(), e.getValue().toJson());
      }
      return out;
    }
  }

  /** True when some path of {@code paths} lies strictly below {@code prefix}. */
  public static boolean hasDescendant(Set<List<String>> paths, List<String> prefix) {
    for (List<String> p : paths) {
      if (p.size() > prefix.size() && p.subList(0, prefix.size()).equals(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Every proper prefix of every path in {@code paths}. */
  static Set<List<String>> prefixes(Set<List<String>> paths) {
    Set<List<String>> out = new HashSet<>();
    for (List<String> p : paths) {
      for (int i = 1; i < p.size(); i++) {
        out.add(p.subList(0, i));
      }
    }
    return out;
  }

  /** The value a path names in {@code object} (missing when absent). */
  public static JsonNode valueAt(JsonNode object, List<String> path) {
    JsonNode node = object;
    for (String key : path) {
      node = step(node, key);
      if (node.isMissingNode()) {
        return node;
      }
    }
    return node;
  }

  /** The child of {@code node} one fieldsV1 key names (missing when absent). */
  static JsonNode step(JsonNode node, String key) {
    if (key.startsWith("f:")) {
      return node.isObject() ? node.path(key.substring(2)) : MissingNode.getInstance();
    }
    if (node.isArray()) {
      int i = indexOf((ArrayNode) node, key);
      return i < 0 ? MissingNode.getInstance() : node.get(i);
    }
    return MissingNode.getInstance();
  }

  /** The index of the item a {@code k:} or {@code v:} key names in {@code list}, or -1. */
  private static int indexOf(ArrayNode list, String key) {
    if (key.startsWith("k:")) {
      JsonNode wanted = Json.parseBody(key.substring(2).getBytes(), "application/json");
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        boolean all = item.isObject();
        Iterator<Map.Entry<String, JsonNode>> it = wanted.fields();
        while (all && it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          all = item.path(e.getKey()).equals(e.getValue());
        }
        if (all) {
          return i;
        }
      }
    } else if (key.startsWith("v:")) {
      JsonNode wanted = Json.parseBody(key.substring(2).getBytes(), "application/json");
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).equals(wanted)) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Removes the field or list item {@code path} names from {@code object}; maps and lists left
   * empty by the removal are removed too unless {@code keep} (the paths still owned) holds them.
   */
  public static void remove(JsonNode object, List<String> path, Set<List<String>> keep) {
    if (path.isEmpty()) {
      return;
    }
    JsonNode parent = valueAt(object, path.subList(0, path.size() - 1));
    String key = path.get(path.size() - 1);
    if (parent instanceof ObjectNode map && key.startsWith("f:")) {
      map.remove(key.substring(2));
    } else if (parent instanceof ArrayNode list) {
      int i = indexOf(list, key);
      if (i >= 0) {
        list.remove(i);
      }
    } else {
      return;
    }
    if (parent.isEmpty() && path.size() > 1) {
      List<String> parentPath = path.subList(0, path.size() - 1);
      if (!keep.contains(parentPath) && !hasDescendant(keep, parentPath)) {
        remove(object, parentPath, keep);
      }
    }
  }

  /** A path as upstream prints it in conflict messages: {@code .spec.containers[name="a"]}. */
  public static String render(List<String> path) {
    StringBuilder out = new StringBuilder();
    for (String key : path) {
      if (key.startsWith("f:")) {
        out.append('.').append(key.substring(2));
      } else if (key.startsWith("k:")) {
        JsonNode fields = Json.parseBody(key.substring(2).getBytes(), "application/json");
        List<String> parts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          parts.add(e.getKey() + "=" + Json.string(e.getValue()));
        }
        out.append('[').append(String.join(",", parts)).append(']');
      } else if (key.startsWith("v:")) {
        out.append("[=").append(key.substring(2)).append(']');
      } else {
        out.append('[').append(key).append(']');
      }
    }
    return out.toString();
  }
}
