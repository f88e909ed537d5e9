package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultText;
import static io.kuark.server.apimodel.strategy.GenericStrategy.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Strategies for core/v1 kinds besides Pod and Service. */
final class CoreStrategies {

  private CoreStrategies() {}

  static JsonNode phase(String phase) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("phase", phase);
    return s;
  }

  /** Namespaces: DNS label names, the {@code kubernetes} finalizer, phase Active, name label. */
  static final class Namespace extends GenericStrategy {
    Namespace(ResourceType type) {
      super(type, NameRules::dns1123Label, false);
    }

    @Override
    protected void defaults(ObjectNode ns) {
      String name = ns.path("metadata").path("name").asText("");
      if (!name.isEmpty()) {
        obj(obj(ns, "metadata"), "labels").put("kubernetes.io/metadata.name", name);
      }
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return phase("Active");
    }

    @Override
    public void prepareForCreate(ObjectNode ns) {
      super.prepareForCreate(ns);
      ArrayNode finalizers = obj(ns, "spec").putArray("finalizers");
      finalizers.add("kubernetes");
    }

    @Override
    public void prepareForUpdate(ObjectNode ns, JsonNode old) {
      super.prepareForUpdate(ns, old);
      // spec.finalizers only change through namespaces/{name}/finalize
      if (old.has("spec")) {
        ns.set("spec", old.get("spec").deepCopy());
      } else {
        ns.remove("spec");
      }
    }
  }

  /** ConfigMaps: key syntax, no key in both data and binaryData, 1 MiB total, immutability. */
  static final class ConfigMap extends GenericStrategy {
    ConfigMap(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void validateObject(ObjectNode cm, List<FieldError> errs) {
      long total = 0;
      Set<String> keys = new HashSet<>();
      total += keys(cm.path("data"), "data", keys, errs, false);
      Iterator<String> bin = cm.path("binaryData").fieldNames();
      while (bin.hasNext()) {
        String k = bin.next();
        if (keys.contains(k)) {
          errs.add(FieldError.invalid("data", k, "duplicate of key present in binaryData"));
        }
      }
      total += keys(cm.path("binaryData"), "binaryData", new HashSet<>(), errs, true);
      if (total > 1024 * 1024) {
        errs.add(
            new FieldError("FieldValueTooLong", "", "Too long: must have at most 1048576 bytes"));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode cm, JsonNode old, List<FieldError> errs) {
      immutableData(cm, old, errs, "data", "binaryData");
    }
  }

  static long keys(
      JsonNode map, String field, Set<String> seen, List<FieldError> errs, boolean base64) {
    long total = 0;
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      for (String m : NameRules.configMapKey(e.getKey())) {
        errs.add(FieldError.invalid(field + "[" + e.getKey() + "]", e.getKey(), m));
      }
      seen.add(e.getKey());
      String v = e.getValue().asText("");
      total += base64 ? (v.length() * 3L) / 4 : v.getBytes(StandardCharsets.UTF_8).length;
    }
    return total;
  }

  static void immutableData(ObjectNode obj, JsonNode old, List<FieldError> errs, String... fields) {
    if (!old.path("immutable").asBoolean(false)) {
      return;
    }
    if (!obj.path("immutable").asBoolean(false)) {
      errs.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
    }
    for (String f : fields) {
      if (!obj.path(f).equals(old.path(f))) {
        errs.add(FieldError.forbidden(f, "field is immutable when `immutable` is set"));
      }
    }
  }

  /** Secrets: type defaults to Opaque, type-specific keys, immutable type and data. */
  static final class Secret extends GenericStrategy {
    Secret(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void defaults(ObjectNode secret) {
      defaultText(secret, "type", "Opaque");
      // stringData is write-only: merged into data (overriding it), as upstream's conversion does.
      JsonNode stringData = secret.remove("stringData");
      if (stringData != null && stringData.isObject()) {
        ObjectNode data = secret.with("data");
        stringData
            .fields()
            .forEachRemaining(
                e ->
                    data.put(
                        e.getKey(),
                        java.util.Base64.getEncoder()
                            .encodeToString(
                                e.getValue()
                                    .asText()
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      }
    }

    @Override
    protected void validateObject(ObjectNode secret, List<FieldError> errs) {
      long total = keys(secret.path("data"), "data", new HashSet<>(), errs, true);
      if (total > 1024 * 1024) {
        errs.add(
            new FieldError(
                "FieldValueTooLong", "data", "Too long: must have at most 1048576 bytes"));
      }
      JsonNode data = secret.path("data");
      switch (secret.path("type").asText("")) {
        case "kubernetes.io/tls" -> {
          requireKey(data, "tls.crt", errs);
          requireKey(data, "tls.key", errs);
        }
        case "kubernetes.io/dockerconfigjson" -> requireKey(data, ".dockerconfigjson", errs);
        case "kubernetes.io/dockercfg" -> requireKey(data, ".dockercfg", errs);
        case "kubernetes.io/basic-auth" -> {
          if (!data.has("username") && !data.has("password")) {
            errs.add(FieldError.required("data[username]", null));
            errs.add(FieldError.required("data[password]", null));
          }
        }
        case "kubernetes.io/ssh-auth" -> requireKey(data, "ssh-privatekey", errs);
        case "kubernetes.io/service-account-token" -> {
          String sa =
              secret
                  .path("metadata")
                  .path("annotations")
                  .path("kubernetes.io/service-account.name")
                  .asText("");
          if (sa.isEmpty()) {
            errs.add(
                FieldError.required(
                    "metadata.annotations[kubernetes.io/service-account.name]", null));
          }
        }
        default -> {}
      }
    }

    private static void requireKey(JsonNode data, String key, List<FieldError> errs) {
      if (!data.has(key)) {
        errs.add(FieldError.required("data[" + key + "]", null));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode secret, JsonNode old, List<FieldError> errs) {
      String t = secret.path("type").asText("");
      if (!t.equals(old.path("type").asText(""))) {
        errs.add(FieldError.invalid("type", t, "field is immutable"));
      }
      immutableData(secret, old, errs, "data");
    }
  }

  /** Nodes: registered with their status, taint syntax, podCIDR set once. */
  static final class Node extends GenericStrategy {
    Node(ResourceType type) {
      super(type, false);
    }

    @Override
    protected boolean keepsStatusOnCreate() {
      return true;
    }

    @Override
    protected void defaults(ObjectNode node) {
      if (node.get("status") instanceof ObjectNode status
          && status.has("capacity")
          && !status.has("allocatable")) {
        status.set("allocatable", status.get("capacity").deepCopy());
      }
    }

    @Override
    protected void validateObject(ObjectNode node, List<FieldError> errs) {
      JsonNode taints = node.path("spec").path("taints");
      for (int i = 0; i < taints.size(); i++) {
        JsonNode t = taints.get(i);
        String p = "spec.taints[" + i + "]";
        String key = t.path("key").asText("");
        if (key.isEmpty()) {
          errs.add(FieldError.required(p + ".key", null));
        } else {
          for (String m : NameRules.qualifiedName(key)) {
            errs.add(FieldError.invalid(p + ".key", key, m));
          }
        }
        String effect = t.path("effect").asText("");
        if (effect.isEmpty()) {
          errs.add(FieldError.required(p + ".effect", null));
        } else if (!PodSpecValidator.TAINT_EFFECTS.contains(effect)) {
          errs.add(FieldError.notSupported(p + ".effect", effect, PodSpecValidator.TAINT_EFFECTS));
        }
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode node, JsonNode old, List<FieldError> errs) {
      String before = old.path("spec").path("podCIDR").asText("");
      String now = node.path("spec").path("podCIDR").asText("");
      if (!before.isEmpty() && !before.equals(now)) {
        errs.add(
            FieldError.forbidden(
                "spec.podCIDR", "node updates may not change podCIDR except from \"\" to valid"));
      }
    }
  }

  /** PersistentVolumeClaims: access modes and storage request required, phase Pending. */
  static final class PersistentVolumeClaim extends GenericStrategy {
    PersistentVolumeClaim(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void defaults(ObjectNode pvc) {
      defaultText(obj(pvc, "spec"), "volumeMode", "Filesystem");
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return phase("Pending");
    }

    @Override
    protected void validateObject(ObjectNode pvc, List<FieldError> errs) {
      JsonNode spec = pvc.path("spec");
      if (spec.path("accessModes").size() == 0) {
        errs.add(FieldError.required("spec.accessModes", "at least 1 access mode is required"));
      }
      if (!spec.path("resources").path("requests").has("storage")) {
        errs.add(FieldError.required("spec.resources[storage]", null));
      }
    }
  }

  /** PersistentVolumes: reclaim policy Retain, phase Pending. */
  static final class PersistentVolume extends GenericStrategy {
    PersistentVolume(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void defaults(ObjectNode pv) {
      ObjectNode spec = obj(pv, "spec");
      defaultText(spec, "persistentVolumeReclaimPolicy", "Retain");
      defaultText(spec, "volumeMode", "Filesystem");
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      return phase("Pending");
    }

    @Override
    protected void validateObject(ObjectNode pv, List<FieldError> errs) {
      JsonNode spec = pv.path("spec");
      if (spec.path("accessModes").size() == 0) {
        errs.add(FieldError.required("spec.accessModes", null));
      }
      if (!spec.path("capacity").has("storage")) {
        errs.add(FieldError.required("spec.capacity", null));
      }
    }
  }

  /** Labels of a selector map (services, node selectors). */
  static void selectorMap(JsonNode map, String path, List<FieldError> errs) {
    MetadataValidator.labels(map, path, errs);
  }
}
