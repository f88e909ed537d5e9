package io.kuark.server.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployment arithmetic and annotations shared by the rollout strategies (upstream's
 * deployment/util).
 */
final class DeploymentUtil {
  static final String HASH_LABEL = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private DeploymentUtil() {}

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static int replicas(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
  }

  static int statusReplicas(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReplicas() == null
        ? 0
        : rs.getStatus().getReplicas();
  }

  static int available(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
        ? 0
        : rs.getStatus().getAvailableReplicas();
  }

  static int ready(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
        ? 0
        : rs.getStatus().getReadyReplicas();
  }

  static long revision(ReplicaSet rs) {
    String v = annotations(rs.getMetadata().getAnnotations()).get(REVISION);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Map<String, String> annotations(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  static boolean isRecreate(Deployment d) {
    return d.getSpec().getStrategy() != null
        && "Recreate".equals(d.getSpec().getStrategy().getType());
  }

  /** maxSurge resolved against replicas, rounding up (upstream ResolveFenceposts). */
  static int maxSurge(Deployment d) {
    if (isRecreate(d)) {
      return 0;
    }
    IntOrString v = rolling(d) == null ? null : rolling(d).getMaxSurge();
    int surge = resolve(v, replicas(d), true);
    int unavailable =
        resolve(rolling(d) == null ? null : rolling(d).getMaxUnavailable(), replicas(d), false);
    // Both zero would deadlock the rollout; upstream then allows one unavailable, not one surge.
    return surge == 0 && unavailable == 0 ? 0 : surge;
  }

  /** maxUnavailable resolved against replicas, rounding down, never above replicas. */
  static int maxUnavailable(Deployment d) {
    if (isRecreate(d)) {
      return replicas(d);
    }
    int surge = resolve(rolling(d) == null ? null : rolling(d).getMaxSurge(), replicas(d), true);
    int unavailable =
        resolve(rolling(d) == null ? null : rolling(d).getMaxUnavailable(), replicas(d), false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return Math.min(unavailable, replicas(d));
  }

  private static io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment rolling(
      Deployment d) {
    return d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
  }

  static int resolve(IntOrString v, int total, boolean roundUp) {
    if (v == null) {
      // API defaulting gives 25% for both; tolerate objects that were not defaulted.
      v = new IntOrString("25%");
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    if (s == null || !s.endsWith("%")) {
      return 0;
    }
    int pct = Integer.parseInt(s.substring(0, s.length() - 1));
    double exact = pct * total / 100.0;
    return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
  }

  /**
   * The value of the pod-template-hash label: FNV-32a of the template and collision count, safely
   * encoded.
   */
  static String templateHash(
      KubernetesSerialization json, PodTemplateSpec template, Integer collisionCount) {
    int hash = 0x811c9dc5;
    byte[] bytes = json.asJson(template).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    if (collisionCount != null) {
      byte[] extra = Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8);
      for (byte b : extra) {
        hash ^= (b & 0xff);
        hash *= 0x01000193;
      }
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < decimal.length(); i++) {
      out.append(SAFE_ALPHABET.charAt(decimal.charAt(i) % SAFE_ALPHABET.length()));
    }
    return out.toString();
  }

  /** True when the templates are equal once the pod-template-hash label is ignored. */
  static boolean equalIgnoringHash(
      KubernetesSerialization json, PodTemplateSpec a, PodTemplateSpec b) {
    PodTemplateSpec ca = json.clone(a);
    PodTemplateSpec cb = json.clone(b);
    stripHash(ca);
    stripHash(cb);
    return json.convertValue(ca, Map.class).equals(json.convertValue(cb, Map.class));
  }

  static void stripHash(PodTemplateSpec t) {
    if (t.getMetadata() != null && t.getMetadata().getLabels() != null) {
      t.getMetadata().getLabels().remove(HASH_LABEL);
      if (t.getMetadata().getLabels().isEmpty()) {
        t.getMetadata().setLabels(null);
      }
    }
  }

  /**
   * Annotations a new ReplicaSet copies from its Deployment (not kubectl's bookkeeping or ours).
   */
  static Map<String, String> copiedAnnotations(Deployment d) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : annotations(d.getMetadata().getAnnotations()).entrySet()) {
      String k = e.getKey();
      if (k.equals(LAST_APPLIED)
          || k.equals(REVISION)
          || k.equals(REVISION_HISTORY)
          || k.equals(DESIRED_REPLICAS)
          || k.equals(MAX_REPLICAS)) {
        continue;
      }
      out.put(k, e.getValue());
    }
    return out;
  }

  static DeploymentCondition condition(DeploymentStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (DeploymentCondition c : status.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /**
   * Sets a condition like upstream's SetDeploymentCondition: no change when status and reason are
   * the same; lastTransitionTime kept when only the reason changes.
   */
  static void setCondition(DeploymentStatus status, DeploymentCondition c) {
    DeploymentCondition current = condition(status, c.getType());
    if (current != null
        && current.getStatus().equals(c.getStatus())
        && current.getReason().equals(c.getReason())) {
      return;
    }
    if (current != null && current.getStatus().equals(c.getStatus())) {
      c.setLastTransitionTime(current.getLastTransitionTime());
    }
    removeCondition(status, c.getType());
    List<DeploymentCondition> list =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    list.add(c);
    status.setConditions(list);
  }

  static void removeCondition(DeploymentStatus status, String type) {
    if (status.getConditions() == null) {
      return;
    }
    List<DeploymentCondition> list = new ArrayList<>();
    for (DeploymentCondition c : status.getConditions()) {
      if (!type.equals(c.getType())) {
        list.add(c);
      }
    }
    status.setConditions(list);
  }

  static DeploymentCondition newCondition(
      String type, String status, String reason, String message, String now) {
    DeploymentCondition c = new DeploymentCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastUpdateTime(now);
    c.setLastTransitionTime(now);
    return c;
  }
}
