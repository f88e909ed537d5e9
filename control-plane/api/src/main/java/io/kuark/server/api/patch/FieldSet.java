package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code fieldsV1} set of an applied configuration, in upstream's encoding: {@code
 * f:<field>} for map fields, {@code k:{"<mergeKey>":<value>}} for items of keyed lists, {@code
 * v:<json>} for items of sets, {@code .} for a node that is itself owned.
 */
public final class FieldSet {

  private FieldSet() {}

  /** The fields {@code applied} sets (apiVersion, kind and metadata.name/namespace excluded). */
  public static ObjectNode of(ObjectNode applied, boolean builtIn) {
    ObjectNode fields = Json.object();
    List<String> path = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = applied.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("apiVersion") || key.equals("kind")) {
        continue;
      }
      JsonNode value = e.getValue();
      if (key.equals("metadata") && value.isObject()) {
        ObjectNode meta = value.deepCopy();
        meta.remove("name");
        meta.remove("namespace");
        meta.remove("resourceVersion");
        meta.remove("managedFields");
        if (meta.isEmpty()) {
          continue;
        }
        value = meta;
      }
      path.add(key);
      fields.set("f:" + key, node(value, path, builtIn));
      path.remove(path.size() - 1);
    }
    return fields;
  }

  private static ObjectNode node(JsonNode value, List<String> path, boolean builtIn) {
    ObjectNode out = Json.object();
    if (value.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        path.add(e.getKey());
        out.set("f:" + e.getKey(), node(e.getValue(), path, builtIn));
        path.remove(path.size() - 1);
      }
    } else if (value.isArray()) {
      ListStrategy strategy = PatchStrategies.forPath(path, builtIn);
      for (JsonNode item : value) {
        if (strategy.kind() == ListStrategy.Kind.MERGE_BY_KEY && item.has(strategy.mergeKey())) {
          ObjectNode key = Json.object();
          key.set(strategy.mergeKey(), item.get(strategy.mergeKey()));
          ObjectNode child = node(item, path, builtIn);
          child.putObject(".");
          out.set("k:" + Json.string(key), child);
        } else if (strategy.kind() == ListStrategy.Kind.MERGE_SET) {
          out.putObject("v:" + Json.string(item));
        }
      }
    }
    return out;
  }
}
