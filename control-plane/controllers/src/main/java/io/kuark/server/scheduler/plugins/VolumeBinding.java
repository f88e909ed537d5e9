package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kuark.server.controller.volume.VolumeMatching;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.PreBindPlugin;
import io.kuark.server.scheduler.framework.PreFilterPlugin;
import io.kuark.server.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal VolumeBinding: a pod's bound claims restrict it to nodes their volumes' node affinity
 * admits; its unbound {@code WaitForFirstConsumer} claims need a node where a matching volume can
 * be bound (or a provisioner that can make one); unbound claims of immediate classes keep the pod
 * pending. Before binding the pod, the chosen node is written to each delayed claim's {@code
 * volume.kubernetes.io/selected-node} annotation, which the PV binder acts on. Unlike upstream the
 * pod is bound without waiting for the claims; the kubelet waits for them before mounting.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreBindPlugin {
  static final String KEY = "VolumeBinding";
  static final String CONFLICT = "node(s) had volume node affinity conflict";
  static final String NO_VOLUME = "node(s) didn't find available persistent volumes to bind";
  static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";

  private final VolumeLookup lookup;

  public VolumeBinding(VolumeLookup lookup) {
    this.lookup = lookup;
  }

  /** What PreFilter found: volumes already bound and claims that wait for this pod's node. */
  record Claims(List<PersistentVolume> bound, List<PersistentVolumeClaim> delayed) {}

  @Override
  public String name() {
    return KEY;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod) {
    List<Volume> volumes = pod.pod.getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return Status.success();
    }
    String ns = pod.pod.getMetadata().getNamespace();
    List<PersistentVolume> bound = new ArrayList<>();
    List<PersistentVolumeClaim> delayed = new ArrayList<>();
    for (Volume v : volumes) {
      String claimName = claimNameOf(pod, v);
      if (claimName == null) {
        continue;
      }
      PersistentVolumeClaim claim = lookup.claim(ns, claimName);
      if (claim == null) {
        return Status.unresolvable(name(), "persistentvolumeclaim \"" + claimName + "\" not found");
      }
      if (claim.getMetadata().getDeletionTimestamp() != null) {
        return Status.unresolvable(
            name(), "persistentvolumeclaim \"" + claimName + "\" is being deleted");
      }
      String volumeName = claim.getSpec().getVolumeName();
      Map<String, String> ann = claim.getMetadata().getAnnotations();
      boolean completed = ann != null && ann.containsKey(VolumeMatching.ANN_BIND_COMPLETED);
      if (volumeName != null && !volumeName.isEmpty() && completed) {
        PersistentVolume pv = lookup.volume(volumeName);
        if (pv == null) {
          return Status.unresolvable(name(), "persistentvolume \"" + volumeName + "\" not found");
        }
        bound.add(pv);
        continue;
      }
      String className = VolumeMatching.claimClass(claim);
      StorageClass sc = className.isEmpty() ? null : lookup.storageClass(className);
      if (!VolumeMatching.waitsForFirstConsumer(sc)) {
        return Status.unresolvable(name(), UNBOUND_IMMEDIATE);
      }
      delayed.add(claim);
    }
    if (!bound.isEmpty() || !delayed.isEmpty()) {
      state.write(KEY, new Claims(bound, delayed));
    }
    return Status.success();
  }

  private static String claimNameOf(PodInfo pod, Volume v) {
    if (v.getPersistentVolumeClaim() != null) {
      return v.getPersistentVolumeClaim().getClaimName();
    }
    if (v.getEphemeral() != null) {
      // Generic ephemeral volumes live in a claim named <pod>-<volume>.
      return pod.pod.getMetadata().getName() + "-" + v.getName();
    }
    return null;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    Claims claims = state.read(KEY, Claims.class);
    if (claims == null) {
      return Status.success();
    }
    for (PersistentVolume pv : claims.bound()) {
      if (!VolumeMatching.admitsNode(pv, node.node())) {
        return Status.unresolvable(name(), CONFLICT);
      }
    }
    if (claims.delayed().isEmpty()) {
      return Status.success();
    }
    List<PersistentVolume> all = lookup.volumes();
    Set<String> taken = new HashSet<>();
    for (PersistentVolumeClaim claim : claims.delayed()) {
      List<PersistentVolume> free = new ArrayList<>();
      for (PersistentVolume pv : all) {
        if (!taken.contains(pv.getMetadata().getName())) {
          free.add(pv);
        }
      }
      PersistentVolume match = VolumeMatching.findBestMatch(claim, free, node.node(), false);
      if (match != null) {
        taken.add(match.getMetadata().getName());
        continue;
      }
      StorageClass sc = lookup.storageClass(VolumeMatching.claimClass(claim));
      if (sc == null || VolumeMatching.NO_PROVISIONER.equals(sc.getProvisioner())) {
        return Status.unresolvable(name(), NO_VOLUME);
      }
    }
    return Status.success();
  }

  @Override
  public Status preBind(CycleState state, PodInfo pod, String nodeName) {
    Claims claims = state.read(KEY, Claims.class);
    if (claims == null) {
      return Status.success();
    }
    for (PersistentVolumeClaim claim : claims.delayed()) {
      Map<String, String> ann = claim.getMetadata().getAnnotations();
      if (ann != null && nodeName.equals(ann.get(VolumeMatching.ANN_SELECTED_NODE))) {
        continue;
      }
      try {
        lookup.selectNode(claim, nodeName);
      } catch (RuntimeException e) {
        return Status.error(name(), "binding volumes: " + e.getMessage());
      }
    }
    return Status.success();
  }
}
