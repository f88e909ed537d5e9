package io.kuark.server.auth.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The objects a pod spec refers to by name in its own namespace, as upstream's node authorizer
 * graph records them: Secrets, ConfigMaps, PersistentVolumeClaims and its ServiceAccount.
 */
final class PodReferences {

  private static final String[] CONTAINER_LISTS = {
    "containers", "initContainers", "ephemeralContainers"
  };

  /** Volume sources whose {@code secretRef.name} names a Secret. */
  private static final String[] SECRET_REF_VOLUMES = {
    "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"
  };

  private PodReferences() {}

  static Set<String> secrets(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode spec = pod.path("spec");
    for (JsonNode s : spec.path("imagePullSecrets")) {
      add(out, s.path("name"));
    }
    for (JsonNode v : spec.path("volumes")) {
      add(out, v.path("secret").path("secretName"));
      add(out, v.path("azureFile").path("secretName"));
      add(out, v.path("csi").path("nodePublishSecretRef").path("name"));
      for (String kind : SECRET_REF_VOLUMES) {
        add(out, v.path(kind).path("secretRef").path("name"));
      }
      for (JsonNode source : v.path("projected").path("sources")) {
        add(out, source.path("secret").path("name"));
      }
    }
    for (JsonNode c : containers(spec)) {
      for (JsonNode e : c.path("env")) {
        add(out, e.path("valueFrom").path("secretKeyRef").path("name"));
      }
      for (JsonNode e : c.path("envFrom")) {
        add(out, e.path("secretRef").path("name"));
      }
    }
    return out;
  }

  static Set<String> configMaps(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode spec = pod.path("spec");
    for (JsonNode v : spec.path("volumes")) {
      add(out, v.path("configMap").path("name"));
      for (JsonNode source : v.path("projected").path("sources")) {
        add(out, source.path("configMap").path("name"));
      }
    }
    for (JsonNode c : containers(spec)) {
      for (JsonNode e : c.path("env")) {
        add(out, e.path("valueFrom").path("configMapKeyRef").path("name"));
      }
      for (JsonNode e : c.path("envFrom")) {
        add(out, e.path("configMapRef").path("name"));
      }
    }
    return out;
  }

  /** Claims by name, including the {@code <pod>-<volume>} claims of generic ephemeral volumes. */
  static Set<String> claims(JsonNode pod) {
    Set<String> out = new LinkedHashSet<>();
    String podName = pod.path("metadata").path("name").asText();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      add(out, v.path("persistentVolumeClaim").path("claimName"));
      if (v.has("ephemeral")) {
        out.add(podName + "-" + v.path("name").asText());
      }
    }
    return out;
  }

  static String serviceAccount(JsonNode pod) {
    String sa = pod.path("spec").path("serviceAccountName").asText("");
    return sa.isEmpty() ? "default" : sa;
  }

  private static Iterable<JsonNode> containers(JsonNode spec) {
    java.util.List<JsonNode> all = new java.util.ArrayList<>();
    for (String list : CONTAINER_LISTS) {
      spec.path(list).forEach(all::add);
    }
    return all;
  }

  private static void add(Set<String> out, JsonNode name) {
    String text = name.asText("");
    if (!text.isEmpty()) {
      out.add(text);
    }
  }
}
