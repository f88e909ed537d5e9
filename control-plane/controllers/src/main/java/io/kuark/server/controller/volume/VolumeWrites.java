package io.kuark.server.controller.volume;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The writes of the binder, each a compare-and-swap on the cached object's resourceVersion (a
 * conflict throws and the key is retried with a fresh copy). Binding follows upstream's order:
 * volume's claimRef, volume phase Bound, claim's volumeName with {@code bind-completed}, claim
 * phase Bound — so a crash between steps leaves a state the next sync finishes.
 */
final class VolumeWrites {
  private final KubernetesClient client;
  private final Clock clock;

  VolumeWrites(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Binds {@code pv} and {@code claim} to each other; idempotent. */
  void bind(PersistentVolume pv, PersistentVolumeClaim claim) {
    PersistentVolume volume = pv;
    ObjectReference ref = volume.getSpec().getClaimRef();
    if (ref == null
        || ref.getUid() == null
        || ref.getUid().isEmpty()
        || !VolumeMatching.isBoundTo(volume, claim)) {
      PersistentVolume copy = client.getKubernetesSerialization().clone(volume);
      copy.getSpec()
          .setClaimRef(
              new ObjectReferenceBuilder()
                  .withKind("PersistentVolumeClaim")
                  .withApiVersion("v1")
                  .withNamespace(claim.getMetadata().getNamespace())
                  .withName(claim.getMetadata().getName())
                  .withUid(claim.getMetadata().getUid())
                  .withResourceVersion(claim.getMetadata().getResourceVersion())
                  .build());
      if (ref == null) {
        annotate(copy.getMetadata().getAnnotations(), copy, VolumeMatching.ANN_BOUND_BY_CONTROLLER);
      }
      volume = client.persistentVolumes().resource(copy).update();
    }
    volume = volumePhase(volume, "Bound", null);

    PersistentVolumeClaim c = claim;
    Map<String, String> ann = c.getMetadata().getAnnotations();
    boolean completed = ann != null && "yes".equals(ann.get(VolumeMatching.ANN_BIND_COMPLETED));
    String pvName = volume.getMetadata().getName();
    if (!pvName.equals(c.getSpec().getVolumeName()) || !completed) {
      PersistentVolumeClaim copy = client.getKubernetesSerialization().clone(c);
      Map<String, String> a =
          copy.getMetadata().getAnnotations() == null
              ? new HashMap<>()
              : new HashMap<>(copy.getMetadata().getAnnotations());
      if (copy.getSpec().getVolumeName() == null || copy.getSpec().getVolumeName().isEmpty()) {
        a.put(VolumeMatching.ANN_BOUND_BY_CONTROLLER, "yes");
      }
      a.put(VolumeMatching.ANN_BIND_COMPLETED, "yes");
      copy.getMetadata().setAnnotations(a);
      copy.getSpec().setVolumeName(pvName);
      c =
          client
              .persistentVolumeClaims()
              .inNamespace(c.getMetadata().getNamespace())
              .resource(copy)
              .update();
    }
    PersistentVolumeClaimStatus want = new PersistentVolumeClaimStatus();
    if (c.getStatus() != null) {
      want.setConditions(c.getStatus().getConditions());
    }
    want.setPhase("Bound");
    want.setAccessModes(volume.getSpec().getAccessModes());
    want.setCapacity(volume.getSpec().getCapacity());
    if (c.getStatus() == null
        || !"Bound".equals(c.getStatus().getPhase())
        || !Objects.equals(c.getStatus().getCapacity(), want.getCapacity())
        || !Objects.equals(c.getStatus().getAccessModes(), want.getAccessModes())) {
      PersistentVolumeClaim copy = client.getKubernetesSerialization().clone(c);
      copy.setStatus(want);
      client
          .persistentVolumeClaims()
          .inNamespace(c.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    }
  }

  private static void annotate(Map<String, String> existing, PersistentVolume pv, String key) {
    Map<String, String> a = existing == null ? new HashMap<>() : new HashMap<>(existing);
    a.put(key, "yes");
    pv.getMetadata().setAnnotations(a);
  }

  /** Sets the volume's phase (and message); returns the written object, or {@code pv} if equal. */
  PersistentVolume volumePhase(PersistentVolume pv, String phase, String message) {
    PersistentVolumeStatus s = pv.getStatus();
    if (s != null && phase.equals(s.getPhase()) && Objects.equals(message, s.getMessage())) {
      return pv;
    }
    PersistentVolume copy = client.getKubernetesSerialization().clone(pv);
    PersistentVolumeStatus status = new PersistentVolumeStatus();
    status.setPhase(phase);
    status.setMessage(message);
    status.setLastPhaseTransitionTime(
        s != null && phase.equals(s.getPhase())
            ? s.getLastPhaseTransitionTime()
            : Times.now(clock));
    copy.setStatus(status);
    return client.persistentVolumes().resource(copy).updateStatus();
  }

  /** Sets the claim's phase if it differs (Pending, Lost). */
  void claimPhase(PersistentVolumeClaim claim, String phase) {
    if (claim.getStatus() != null && phase.equals(claim.getStatus().getPhase())) {
      return;
    }
    PersistentVolumeClaim copy = client.getKubernetesSerialization().clone(claim);
    if (copy.getStatus() == null) {
      copy.setStatus(new PersistentVolumeClaimStatus());
    }
    copy.getStatus().setPhase(phase);
    client
        .persistentVolumeClaims()
        .inNamespace(claim.getMetadata().getNamespace())
        .resource(copy)
        .updateStatus();
  }

  /** Adds the annotations that hand a claim to an external (CSI) provisioner. */
  void handToProvisioner(PersistentVolumeClaim claim, String provisioner) {
    Map<String, String> a = claim.getMetadata().getAnnotations();
    if (a != null
        && provisioner.equals(a.get(VolumeMatching.ANN_STORAGE_PROVISIONER))
        && provisioner.equals(a.get(VolumeMatching.ANN_BETA_STORAGE_PROVISIONER))) {
      return;
    }
    PersistentVolumeClaim copy = client.getKubernetesSerialization().clone(claim);
    Map<String, String> ann = a == null ? new HashMap<>() : new HashMap<>(a);
    ann.put(VolumeMatching.ANN_STORAGE_PROVISIONER, provisioner);
    ann.put(VolumeMatching.ANN_BETA_STORAGE_PROVISIONER, provisioner);
    copy.getMetadata().setAnnotations(ann);
    client
        .persistentVolumeClaims()
        .inNamespace(claim.getMetadata().getNamespace())
        .resource(copy)
        .update();
  }

  /**
   * Releases a volume from a claim that is bound elsewhere: a controller-made claimRef goes away,
   * an administrator's pre-binding keeps its name but loses the uid; the volume is Available again.
   */
  void unbind(PersistentVolume pv) {
    PersistentVolume copy = client.getKubernetesSerialization().clone(pv);
    Map<String, String> a = copy.getMetadata().getAnnotations();
    if (a != null && a.containsKey(VolumeMatching.ANN_BOUND_BY_CONTROLLER)) {
      copy.getSpec().setClaimRef(null);
      Map<String, String> without = new HashMap<>(a);
      without.remove(VolumeMatching.ANN_BOUND_BY_CONTROLLER);
      copy.getMetadata().setAnnotations(without);
    } else {
      copy.getSpec().getClaimRef().setUid(null);
      copy.getSpec().getClaimRef().setResourceVersion(null);
    }
    PersistentVolume written = client.persistentVolumes().resource(copy).update();
    volumePhase(written, "Available", null);
  }
}
