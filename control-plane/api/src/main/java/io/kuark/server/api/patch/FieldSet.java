package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field set of an object (an applied configuration or a whole stored object), in upstream's
 * encoding: {@code f:<field>} for map fields, {@code k:{"<mergeKey>":<value>}} for items of keyed
 * lists, {@code v:<json>} for items of sets, {@code .} for a node that is itself owned. Leaves are
 * scalars, atomic lists and empty maps. Maps with free-form keys (labels, annotations, data,
 * resource lists…) are members themselves, as upstream's map types are. apiVersion, kind and the
 * server-owned metadata (name, namespace, uid, resourceVersion, generation, creationTimestamp,
 * managedFields…) are never part of a set, as upstream strips them.
 */
public final class FieldSet {

  private static final Set<String> STRIPPED_METADATA =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "selfLink",
          "managedFields",
          "clusterName");

  /** Map-typed (not struct-typed) fields of built-in types, by name. */
  private static final Set<String> FREE_FORM_MAPS =
      Set.of(
          "labels",
          "annotations",
          "nodeSelector",
          "matchLabels",
          "limits",
          "requests",
          "capacity",
          "allocatable",
          "hard",
          "used",
          "parameters");

  private static final Set<String> FREE_FORM_ROOT_MAPS = Set.of("data", "binaryData", "stringData");

  private FieldSet() {}

  /** The fieldsV1 tree of the fields {@code object} sets. */
  public static ObjectNode of(ObjectNode object, boolean builtIn) {
    return FieldPaths.toFieldsV1(paths(object, builtIn));
  }

  /** The member paths of the fields {@code object} sets. */
  public static Set<List<String>> paths(JsonNode object, boolean builtIn) {
    Set<List<String>> out = new HashSet<>();
    if (!object.isObject()) {
      return out;
    }
    boolean service =
        object.path("kind").asText().equals("Service")
            || object.path("kind").asText().equals("ReplicationController");
    List<String> fieldPath = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("apiVersion") || key.equals("kind")) {
        continue;
      }
      JsonNode value = e.getValue();
      if (key.equals("metadata") && value.isObject()) {
        ObjectNode meta = value.deepCopy();
        meta.remove(STRIPPED_METADATA);
        if (meta.isEmpty()) {
          continue;
        }
        value = meta;
      }
      fieldPath.add(key);
      keys.add("f:" + key);
      boolean freeForm = builtIn && (FREE_FORM_ROOT_MAPS.contains(key));
      walk(value, fieldPath, keys, builtIn, freeForm, service, out);
      keys.remove(keys.size() - 1);
      fieldPath.remove(fieldPath.size() - 1);
    }
    return out;
  }

  /**
   * @param fieldPath field names from the root (list items not counted), for list strategies
   * @param keys the fieldsV1 keys from the root to {@code value}
   */
  private static void walk(
      JsonNode value,
      List<String> fieldPath,
      List<String> keys,
      boolean builtIn,
      boolean memberMap,
      boolean service,
      Set<List<String>> out) {
    if (value.isObject() && !value.isEmpty()) {
      if (memberMap) {
        out.add(List.copyOf(keys));
      }
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        fieldPath.add(e.getKey());
        keys.add("f:" + e.getKey());
        boolean childMap = builtIn && !memberMap && isFreeForm(e.getKey(), fieldPath, service);
        walk(e.getValue(), fieldPath, keys, builtIn, childMap, service, out);
        keys.remove(keys.size() - 1);
        fieldPath.remove(fieldPath.size() - 1);
      }
      return;
    }
    if (value.isArray() && !value.isEmpty()) {
      ListStrategy strategy = PatchStrategies.forPath(fieldPath, builtIn);
      if (strategy.kind() == ListStrategy.Kind.MERGE_BY_KEY) {
        for (JsonNode item : value) {
          if (!item.has(strategy.mergeKey())) {
            continue;
          }
          ObjectNode key = Json.object();
          key.set(strategy.mergeKey(), item.get(strategy.mergeKey()));
          keys.add("k:" + Json.string(key));
          out.add(List.copyOf(keys));
          walk(item, fieldPath, keys, builtIn, false, service, out);
          keys.remove(keys.size() - 1);
        }
        return;
      }
      if (strategy.kind() == ListStrategy.Kind.MERGE_SET) {
        for (JsonNode item : value) {
          keys.add("v:" + Json.string(item));
          out.add(List.copyOf(keys));
          keys.remove(keys.size() - 1);
        }
        return;
      }
    }
    // Scalars, null, atomic lists and empty maps or lists are leaves.
    out.add(List.copyOf(keys));
  }

  private static boolean isFreeForm(String field, List<String> fieldPath, boolean service) {
    if (field.equals("selector")) {
      // Service and ReplicationController selectors are plain maps; others are LabelSelectors.
      return service && fieldPath.size() == 2 && fieldPath.get(0).equals("spec");
    }
    if (field.equals("labels") || field.equals("annotations")) {
      return fieldPath.size() >= 2 && fieldPath.get(fieldPath.size() - 2).equals("metadata");
    }
    return FREE_FORM_MAPS.contains(field);
  }
}
