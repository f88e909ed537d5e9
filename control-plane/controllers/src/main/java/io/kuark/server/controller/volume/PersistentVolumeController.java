package io.kuark.server.controller.volume;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PersistentVolume binder (upstream's "persistentvolume-binder"): one queue of claims that
 * binds each unbound claim to the smallest fitting volume, waits for the scheduler's node choice
 * under {@code WaitForFirstConsumer}, and leaves claims of provisioning classes to their
 * provisioner; one queue of volumes that keeps volume phases (Available, Bound, Released, Failed)
 * and applies the reclaim policy once the claim is gone.
 */
public final class PersistentVolumeController {
  /** Upstream's binder resyncs every 15 s; unbound claims retry at that pace as well. */
  static final Duration RESYNC = Duration.ofSeconds(15);

  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;
  private final Lister<StorageClass> classes;
  private final Lister<Node> nodes;
  private final KubernetesClient client;
  private final VolumeWrites writes;
  private final EventRecorder events;
  private final Controller claimController;
  private final Controller volumeController;

  public PersistentVolumeController(LoopContext ctx) {
    this.client = ctx.client();
    this.claims = ctx.informers().lister(PersistentVolumeClaim.class);
    this.volumes = ctx.informers().lister(PersistentVolume.class);
    this.classes = ctx.informers().lister(StorageClass.class);
    this.nodes = ctx.informers().lister(Node.class);
    this.writes = new VolumeWrites(client, ctx.clock());
    this.events = ctx.recorder("persistentvolume-controller");
    this.claimController = ctx.controller("persistentvolume-binder-claims", this::syncClaim, 2);
    this.volumeController = ctx.controller("persistentvolume-binder-volumes", this::syncVolume, 2);
    ctx.informers()
        .get(PersistentVolumeClaim.class)
        .addEventHandler(
            Handlers.any(
                c -> {
                  claimController.enqueue(Keys.of(c));
                  String pv = c.getSpec() == null ? null : c.getSpec().getVolumeName();
                  if (pv != null && !pv.isEmpty()) {
                    volumeController.enqueue(pv);
                  }
                }));
    ctx.informers()
        .get(PersistentVolume.class)
        .addEventHandler(
            Handlers.any(
                pv -> {
                  volumeController.enqueue(pv.getMetadata().getName());
                  ObjectReference ref = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
                  if (ref != null) {
                    claimController.enqueue(Keys.of(ref.getNamespace(), ref.getName()));
                  }
                  // A volume that became available may fit a claim that is waiting.
                  enqueueUnboundClaims();
                }));
    ctx.informers().get(StorageClass.class);
  }

  /** The claim queue's controller; start it with the other controllers. */
  public Controller claimController() {
    return claimController;
  }

  /** The volume queue's controller; start it with the other controllers. */
  public Controller volumeController() {
    return volumeController;
  }

  private void enqueueUnboundClaims() {
    for (PersistentVolumeClaim c : claims.list()) {
      if (!bindCompleted(c)) {
        claimController.enqueue(Keys.of(c));
      }
    }
  }

  static boolean bindCompleted(PersistentVolumeClaim claim) {
    Map<String, String> a = claim.getMetadata().getAnnotations();
    return a != null && a.containsKey(VolumeMatching.ANN_BIND_COMPLETED);
  }

  Optional<Duration> syncClaim(String key) {
    PersistentVolumeClaim claim = claims.get(key);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    return bindCompleted(claim) ? syncBoundClaim(claim) : syncUnboundClaim(claim);
  }

  private Optional<Duration> syncUnboundClaim(PersistentVolumeClaim claim) {
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName == null || volumeName.isEmpty()) {
      return findAndBind(claim);
    }
    // The user asked for a specific volume.
    PersistentVolume pv = volumes.get(volumeName);
    if (pv == null) {
      writes.claimPhase(claim, "Pending");
      return Optional.of(RESYNC);
    }
    if (pv.getSpec().getClaimRef() == null) {
      String why = VolumeMatching.mismatch(pv, claim);
      if (why != null) {
        events.warning(
            claim,
            "VolumeMismatch",
            "Cannot bind to requested volume \"" + volumeName + "\": " + why);
        writes.claimPhase(claim, "Pending");
        return Optional.of(RESYNC);
      }
      writes.bind(pv, claim);
      return Optional.empty();
    }
    if (VolumeMatching.isBoundTo(pv, claim)) {
      writes.bind(pv, claim);
      return Optional.empty();
    }
    events.warning(
        claim,
        "FailedBinding",
        "volume \"" + volumeName + "\" already bound to a different claim.");
    writes.claimPhase(claim, "Pending");
    return Optional.of(RESYNC);
  }

  private Optional<Duration> findAndBind(PersistentVolumeClaim claim) {
    String className = VolumeMatching.claimClass(claim);
    StorageClass sc = className.isEmpty() ? null : classes.get(className);
    boolean delay = VolumeMatching.waitsForFirstConsumer(sc);
    Node node = null;
    Map<String, String> ann = claim.getMetadata().getAnnotations();
    String selected = ann == null ? null : ann.get(VolumeMatching.ANN_SELECTED_NODE);
    if (selected != null) {
      node = nodes.get(selected);
    }
    List<PersistentVolume> all = volumes.list();
    PersistentVolume match =
        VolumeMatching.findBestMatch(claim, all, node, delay && selected == null);
    if (match != null) {
      writes.bind(match, claim);
      return Optional.empty();
    }
    writes.claimPhase(claim, "Pending");
    if (delay && selected == null) {
      events.normal(
          claim, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
      return Optional.empty();
    }
    if (sc != null && !VolumeMatching.NO_PROVISIONER.equals(sc.getProvisioner())) {
      // Dynamic provisioning is the provisioner's job (CSI); hand the claim over and wait.
      writes.handToProvisioner(claim, sc.getProvisioner());
      events.normal(
          claim,
          "ExternalProvisioning",
          "Waiting for a volume to be created either by the external provisioner '"
              + sc.getProvisioner()
              + "' or manually by the system administrator. If volume creation is delayed,"
              + " please verify that the provisioner is running and correctly registered.");
      return Optional.of(RESYNC);
    }
    if (!className.isEmpty() && sc == null) {
      events.warning(
          claim,
          "ProvisioningFailed",
          "storageclass.storage.k8s.io \"" + className + "\" not found");
    } else if (className.isEmpty()) {
      events.normal(
          claim,
          "FailedBinding",
          "no persistent volumes available for this claim and no storage class is set");
    } else {
      events.normal(claim, "FailedBinding", "no persistent volumes available for this claim");
    }
    return Optional.of(RESYNC);
  }

  private Optional<Duration> syncBoundClaim(PersistentVolumeClaim claim) {
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName == null || volumeName.isEmpty()) {
      writes.claimPhase(claim, "Lost");
      events.warning(
          claim,
          "ClaimLost",
          "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
      return Optional.empty();
    }
    PersistentVolume pv = volumes.get(volumeName);
    if (pv == null) {
      pv = client.persistentVolumes().withName(volumeName).get();
    }
    if (pv == null) {
      writes.claimPhase(claim, "Lost");
      events.warning(
          claim,
          "ClaimLost",
          "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      return Optional.empty();
    }
    if (pv.getSpec().getClaimRef() == null || VolumeMatching.isBoundTo(pv, claim)) {
      writes.bind(pv, claim);
      return Optional.empty();
    }
    writes.claimPhase(claim, "Lost");
    events.warning(
        claim,
        "ClaimMisbound",
        "Two claims are bound to the same volume, this one is bound incorrectly");
    return Optional.empty();
  }

  Optional<Duration> syncVolume(String name) {
    PersistentVolume pv = volumes.get(name);
    if (pv == null) {
      return Optional.empty();
    }
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null || ref.getUid() == null || ref.getUid().isEmpty()) {
      // Unbound, or pre-bound by an administrator to a claim that has not been bound yet.
      if (pv.getStatus() == null
          || !"Available".equals(pv.getStatus().getPhase())
              && !"Failed".equals(pv.getStatus().getPhase())) {
        writes.volumePhase(pv, "Available", null);
      }
      return Optional.empty();
    }
    PersistentVolumeClaim claim = claims.get(Keys.of(ref.getNamespace(), ref.getName()));
    if (claim == null) {
      // The cache may lag behind a claim created a moment ago: ask the API before releasing.
      claim =
          client
              .persistentVolumeClaims()
              .inNamespace(ref.getNamespace())
              .withName(ref.getName())
              .get();
    }
    if (claim != null && !ref.getUid().equals(claim.getMetadata().getUid())) {
      claim = null;
    }
    if (claim == null) {
      reclaim(pv);
      return Optional.empty();
    }
    String claimVolume = claim.getSpec().getVolumeName();
    if (claimVolume == null || claimVolume.isEmpty()) {
      // Binding in progress (or a dangling pre-binding): the claim's sync completes it.
      return Optional.empty();
    }
    if (claimVolume.equals(name)) {
      writes.volumePhase(pv, "Bound", null);
      return Optional.empty();
    }
    // The claim went to another volume; this one returns to the pool.
    writes.unbind(pv);
    return Optional.empty();
  }

  /** The claim of a bound volume is gone: Released, then the reclaim policy. */
  private void reclaim(PersistentVolume pv) {
    String phase = pv.getStatus() == null ? null : pv.getStatus().getPhase();
    if (!"Released".equals(phase) && !"Failed".equals(phase)) {
      pv = writes.volumePhase(pv, "Released", null);
    }
    String policy = pv.getSpec().getPersistentVolumeReclaimPolicy();
    if (policy == null || "Retain".equals(policy)) {
      return;
    }
    Map<String, String> ann = pv.getMetadata().getAnnotations();
    if ("Delete".equals(policy)
        && ann != null
        && ann.containsKey(VolumeMatching.ANN_PROVISIONED_BY)) {
      // Provisioned volumes are deleted by their provisioner (CSI external-provisioner's job).
      return;
    }
    String message =
        "Delete".equals(policy)
            ? "error getting deleter volume plugin for volume \""
                + pv.getMetadata().getName()
                + "\": no deletable volume plugin matched"
            : "No recycler plugin found for the volume!";
    if ("Failed".equals(pv.getStatus() == null ? null : pv.getStatus().getPhase())) {
      return;
    }
    writes.volumePhase(pv, "Failed", message);
    events.warning(
        pv, "Delete".equals(policy) ? "VolumeFailedDelete" : "VolumeFailedRecycle", message);
  }
}
