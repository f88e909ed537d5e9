package io.kuark.server.controller.volume;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kuark.server.controller.runtime.Selectors;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which PersistentVolume may back which claim, with upstream's rules: same storage class, same
 * volume mode, every requested access mode offered, capacity at least the request, the claim's
 * selector matches the volume's labels, the volume's node affinity admits the chosen node; among
 * the fits the smallest wins, and a volume pre-bound to the claim wins outright. Shared by the
 * binder and the scheduler's VolumeBinding plugin.
 */
public final class VolumeMatching {
  public static final String ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  public static final String ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  public static final String ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
  public static final String ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
  public static final String ANN_BETA_STORAGE_PROVISIONER =
      "volume.beta.kubernetes.io/storage-provisioner";
  public static final String ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  public static final String ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class";
  public static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

  private VolumeMatching() {}

  /** The claim's class: the beta annotation wins over the field, as upstream; "" for none. */
  public static String claimClass(PersistentVolumeClaim claim) {
    Map<String, String> a = claim.getMetadata().getAnnotations();
    if (a != null && a.containsKey(ANN_BETA_CLASS)) {
      return a.get(ANN_BETA_CLASS);
    }
    String c = claim.getSpec().getStorageClassName();
    return c == null ? "" : c;
  }

  public static String volumeClass(PersistentVolume pv) {
    Map<String, String> a = pv.getMetadata().getAnnotations();
    if (a != null && a.containsKey(ANN_BETA_CLASS)) {
      return a.get(ANN_BETA_CLASS);
    }
    String c = pv.getSpec().getStorageClassName();
    return c == null ? "" : c;
  }

  /** True when the class delays binding until a pod using the claim is scheduled. */
  public static boolean waitsForFirstConsumer(StorageClass sc) {
    return sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
  }

  /** True when {@code pv.spec.claimRef} names {@code claim} (and its uid, if the ref has one). */
  public static boolean isBoundTo(PersistentVolume pv, PersistentVolumeClaim claim) {
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null) {
      return false;
    }
    if (!Objects.equals(ref.getName(), claim.getMetadata().getName())
        || !Objects.equals(ref.getNamespace(), claim.getMetadata().getNamespace())) {
      return false;
    }
    return ref.getUid() == null
        || ref.getUid().isEmpty()
        || ref.getUid().equals(claim.getMetadata().getUid());
  }

  static BigDecimal bytes(Map<String, Quantity> resources) {
    if (resources == null || resources.get("storage") == null) {
      return BigDecimal.ZERO;
    }
    return Quantity.getAmountInBytes(resources.get("storage"));
  }

  public static BigDecimal requested(PersistentVolumeClaim claim) {
    return claim.getSpec().getResources() == null
        ? BigDecimal.ZERO
        : bytes(claim.getSpec().getResources().getRequests());
  }

  public static BigDecimal capacity(PersistentVolume pv) {
    return bytes(pv.getSpec().getCapacity());
  }

  static String volumeMode(String mode) {
    return mode == null || mode.isEmpty() ? "Filesystem" : mode;
  }

  static boolean offersModes(PersistentVolume pv, PersistentVolumeClaim claim) {
    List<String> want = claim.getSpec().getAccessModes();
    List<String> have = pv.getSpec().getAccessModes();
    if (want == null || want.isEmpty()) {
      return true;
    }
    return have != null && have.containsAll(want);
  }

  /**
   * Why {@code pv} cannot serve {@code claim} regardless of its phase and binding, or null when it
   * can (capacity, class, volume mode, access modes).
   */
  public static String mismatch(PersistentVolume pv, PersistentVolumeClaim claim) {
    if (capacity(pv).compareTo(requested(claim)) < 0) {
      return "requested PV is too small";
    }
    if (!volumeClass(pv).equals(claimClass(claim))) {
      return "storageClassName does not match";
    }
    if (!volumeMode(pv.getSpec().getVolumeMode())
        .equals(volumeMode(claim.getSpec().getVolumeMode()))) {
      return "incompatible volumeMode";
    }
    if (!offersModes(pv, claim)) {
      return "incompatible accessMode";
    }
    return null;
  }

  /** True when the volume's required node affinity admits {@code node}; no affinity admits all. */
  public static boolean admitsNode(PersistentVolume pv, Node node) {
    if (pv.getSpec().getNodeAffinity() == null
        || pv.getSpec().getNodeAffinity().getRequired() == null) {
      return true;
    }
    List<NodeSelectorTerm> terms =
        pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms();
    if (terms == null) {
      return false;
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    for (NodeSelectorTerm t : terms) {
      if (termMatches(t, labels, node.getMetadata().getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(NodeSelectorTerm t, Map<String, String> labels, String name) {
    boolean any = false;
    if (t.getMatchExpressions() != null) {
      for (NodeSelectorRequirement r : t.getMatchExpressions()) {
        any = true;
        if (!Selectors.requirementMatches(r.getKey(), r.getOperator(), r.getValues(), labels)) {
          return false;
        }
      }
    }
    if (t.getMatchFields() != null) {
      for (NodeSelectorRequirement r : t.getMatchFields()) {
        any = true;
        if (!"metadata.name".equals(r.getKey())
            || !Selectors.requirementMatches(
                "metadata.name", r.getOperator(), r.getValues(), Map.of("metadata.name", name))) {
          return false;
        }
      }
    }
    return any;
  }

  /**
   * The volume to bind {@code claim} to, or null. {@code node} is the node chosen for the claim's
   * first consumer (null when binding is not delayed); with {@code delayBinding} and no node only
   * volumes pre-bound to the claim qualify.
   */
  public static PersistentVolume findBestMatch(
      PersistentVolumeClaim claim,
      Iterable<PersistentVolume> volumes,
      Node node,
      boolean delayBinding) {
    BigDecimal want = requested(claim);
    PersistentVolume best = null;
    for (PersistentVolume pv : volumes) {
      if (pv.getSpec().getClaimRef() != null && !isBoundTo(pv, claim)) {
        continue;
      }
      if (pv.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (!volumeMode(pv.getSpec().getVolumeMode())
          .equals(volumeMode(claim.getSpec().getVolumeMode()))) {
        continue;
      }
      if (!offersModes(pv, claim)) {
        continue;
      }
      if (node != null && !admitsNode(pv, node)) {
        continue;
      }
      if (isBoundTo(pv, claim)) {
        // Pre-bound by the administrator: it wins when it is big enough.
        if (capacity(pv).compareTo(want) >= 0) {
          return pv;
        }
        continue;
      }
      if (node == null && delayBinding) {
        continue;
      }
      String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
      if (!"Available".equals(phase)) {
        continue;
      }
      if (claim.getSpec().getSelector() != null
          && !Selectors.matches(claim.getSpec().getSelector(), pv.getMetadata().getLabels())) {
        continue;
      }
      if (!volumeClass(pv).equals(claimClass(claim))) {
        continue;
      }
      BigDecimal cap = capacity(pv);
      if (cap.compareTo(want) >= 0 && (best == null || cap.compareTo(capacity(best)) < 0)) {
        best = pv;
      }
    }
    return best;
  }
}
