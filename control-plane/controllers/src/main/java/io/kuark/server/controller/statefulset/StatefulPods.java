package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuark.server.controller.runtime.Owners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable identity of a StatefulSet's pods: names {@code <set>-<ordinal>}, the labels upstream
 * puts on them, hostname and subdomain, and the claims {@code <template>-<set>-<ordinal>} their
 * volumes point at.
 */
final class StatefulPods {
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  static final String REVISION_LABEL = "controller-revision-hash";

  private StatefulPods() {}

  static String podName(StatefulSet set, int ordinal) {
    return set.getMetadata().getName() + "-" + ordinal;
  }

  static String claimName(String template, StatefulSet set, int ordinal) {
    return template + "-" + podName(set, ordinal);
  }

  /** Upstream's isMemberOf: the pod is named {@code <set>-<ordinal>}. */
  static boolean isMemberOf(StatefulSet set, Pod pod) {
    return ordinalOf(set, pod) >= 0;
  }

  /** The ordinal encoded in {@code pod}'s name for {@code set}, or -1 if it is not one of its. */
  static int ordinalOf(StatefulSet set, Pod pod) {
    String prefix = set.getMetadata().getName() + "-";
    String name = pod.getMetadata().getName();
    if (name == null || !name.startsWith(prefix) || name.length() == prefix.length()) {
      return -1;
    }
    String digits = name.substring(prefix.length());
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      return -1;
    }
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static int startOrdinal(StatefulSet set) {
    return set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null
        ? 0
        : set.getSpec().getOrdinals().getStart();
  }

  static int replicas(StatefulSet set) {
    return set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
  }

  static String revisionOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(REVISION_LABEL);
  }

  /**
   * A new pod for {@code ordinal} from {@code template} (the template of the revision named {@code
   * revision}), owned by {@code set}.
   */
  static Pod newPod(
      KubernetesSerialization json,
      StatefulSet set,
      PodTemplateSpec template,
      String revision,
      int ordinal) {
    PodTemplateSpec t = json.clone(template);
    String name = podName(set, ordinal);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = null;
    if (t.getMetadata() != null) {
      if (t.getMetadata().getLabels() != null) {
        labels.putAll(t.getMetadata().getLabels());
      }
      annotations = t.getMetadata().getAnnotations();
    }
    labels.put(POD_NAME_LABEL, name);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    labels.put(REVISION_LABEL, revision);
    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    pod.getMetadata().setName(name);
    pod.getMetadata().setNamespace(set.getMetadata().getNamespace());
    pod.getMetadata().setLabels(labels);
    pod.getMetadata().setAnnotations(annotations);
    pod.getMetadata().setOwnerReferences(List.of(controllerRef(set)));
    pod.setSpec(t.getSpec());
    pod.getSpec().setHostname(name);
    String service = set.getSpec().getServiceName();
    if (service != null && !service.isEmpty()) {
      pod.getSpec().setSubdomain(service);
    }
    attachClaims(set, pod, ordinal);
    return pod;
  }

  /** Points the pod's volumes named like claim templates at the ordinal's claims. */
  private static void attachClaims(StatefulSet set, Pod pod, int ordinal) {
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null || templates.isEmpty()) {
      return;
    }
    Map<String, Volume> byName = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() != null) {
      for (Volume v : pod.getSpec().getVolumes()) {
        byName.put(v.getName(), v);
      }
    }
    for (PersistentVolumeClaim c : templates) {
      String template = c.getMetadata().getName();
      byName.put(
          template,
          new VolumeBuilder()
              .withName(template)
              .withPersistentVolumeClaim(
                  new PersistentVolumeClaimVolumeSourceBuilder()
                      .withClaimName(claimName(template, set, ordinal))
                      .build())
              .build());
    }
    pod.getSpec().setVolumes(new ArrayList<>(byName.values()));
  }

  /**
   * The claims the pod at {@code ordinal} needs, as they would be created: the template with the
   * ordinal's name and the set's selector labels.
   */
  static List<PersistentVolumeClaim> claims(
      KubernetesSerialization json, StatefulSet set, int ordinal) {
    List<PersistentVolumeClaim> out = new ArrayList<>();
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null) {
      return out;
    }
    for (PersistentVolumeClaim template : templates) {
      PersistentVolumeClaim c = json.clone(template);
      c.setApiVersion("v1");
      c.setKind("PersistentVolumeClaim");
      c.getMetadata().setName(claimName(template.getMetadata().getName(), set, ordinal));
      c.getMetadata().setNamespace(set.getMetadata().getNamespace());
      c.getMetadata().setResourceVersion(null);
      c.getMetadata().setUid(null);
      Map<String, String> labels =
          c.getMetadata().getLabels() == null
              ? new HashMap<>()
              : new HashMap<>(c.getMetadata().getLabels());
      if (set.getSpec().getSelector() != null
          && set.getSpec().getSelector().getMatchLabels() != null) {
        labels.putAll(set.getSpec().getSelector().getMatchLabels());
      }
      c.getMetadata().setLabels(labels);
      c.setStatus(null);
      out.add(c);
    }
    return out;
  }

  static OwnerReference controllerRef(StatefulSet set) {
    OwnerReference ref = Owners.controllerRef(set);
    ref.setApiVersion(HasMetadata.getApiVersion(StatefulSet.class));
    ref.setKind(HasMetadata.getKind(StatefulSet.class));
    return ref;
  }

  /**
   * A reference that makes the garbage collector delete a claim with its owner (not controller).
   */
  static OwnerReference retentionRef(HasMetadata owner, String apiVersion, String kind) {
    OwnerReference ref = Owners.controllerRef(owner);
    ref.setApiVersion(apiVersion);
    ref.setKind(kind);
    ref.setController(null);
    ref.setBlockOwnerDeletion(true);
    return ref;
  }
}
