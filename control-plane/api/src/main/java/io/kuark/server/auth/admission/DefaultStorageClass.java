package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's DefaultStorageClass admission: a new PersistentVolumeClaim that names no storage class
 * (the field absent; {@code ""} asks for no class and stays) gets the default StorageClass, the one
 * annotated {@code storageclass.kubernetes.io/is-default-class: "true"} (or the beta annotation).
 * With several defaults the newest wins, as upstream since 1.26.
 */
public final class DefaultStorageClass implements AdmissionPlugin {

  static final String ANNOTATION = "storageclass.kubernetes.io/is-default-class";
  static final String BETA_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";

  private final NamespacedObjects objects;

  public DefaultStorageClass(NamespacedObjects objects) {
    this.objects = objects;
  }

  @Override
  public void mutate(AdmissionAttributes a) {
    if (!a.is("persistentvolumeclaims") || !a.create()) {
      return;
    }
    ObjectNode spec = a.object().with("spec");
    if (spec.hasNonNull("storageClassName")) {
      return;
    }
    JsonNode chosen = null;
    for (ObjectNode sc : objects.list(objects.type("storage.k8s.io", "v1", "storageclasses"), "")) {
      if (!isDefault(sc)) {
        continue;
      }
      if (chosen == null || newer(sc, chosen)) {
        chosen = sc;
      }
    }
    if (chosen != null) {
      spec.put("storageClassName", chosen.path("metadata").path("name").asText());
    }
  }

  static boolean isDefault(JsonNode sc) {
    JsonNode ann = sc.path("metadata").path("annotations");
    return "true".equals(ann.path(ANNOTATION).asText())
        || "true".equals(ann.path(BETA_ANNOTATION).asText());
  }

  /** Newer creation time wins; on a tie the name that sorts first, as upstream. */
  private static boolean newer(JsonNode a, JsonNode b) {
    int byTime =
        a.path("metadata")
            .path("creationTimestamp")
            .asText("")
            .compareTo(b.path("metadata").path("creationTimestamp").asText(""));
    if (byTime != 0) {
      return byTime > 0;
    }
    return a.path("metadata")
            .path("name")
            .asText()
            .compareTo(b.path("metadata").path("name").asText())
        < 0;
  }
}
