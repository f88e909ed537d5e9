package io.kuark.server.scheduler;

import java.util.Set;

/**
 * A change in the cluster that may let pods waiting in the unschedulable part of the queue fit, and
 * which plugins' rejections it may resolve (upstream's ClusterEvents with the plugins registered
 * for them). A pod rejected only by plugins the event cannot help keeps waiting.
 */
enum ClusterEvent {
  /** A Node appeared. */
  NODE_ADD(null),
  /** A Node's spec, labels, allocatable or conditions changed (not mere heartbeats). */
  NODE_UPDATE(null),
  /** A pod was bound to a node, or appeared bound: new neighbours for (anti-)affinity, spread. */
  ASSIGNED_POD_ADD(Set.of("InterPodAffinity", "PodTopologySpread")),
  /** The labels of a bound pod changed. */
  ASSIGNED_POD_UPDATE(Set.of("InterPodAffinity", "PodTopologySpread")),
  /** A bound pod was deleted or finished: resources, ports and domains freed. */
  ASSIGNED_POD_DELETE(null),
  /** A PersistentVolume, PersistentVolumeClaim or StorageClass changed. */
  VOLUME_CHANGE(Set.of("VolumeBinding")),
  /** A Namespace appeared or its labels changed (pod affinity namespaceSelector). */
  NAMESPACE_LABELS(Set.of("InterPodAffinity"));

  /** Plugins whose rejection this event may resolve; null: any. */
  private final Set<String> helps;

  ClusterEvent(Set<String> helps) {
    this.helps = helps;
  }

  /**
   * Whether a pod rejected by {@code rejectedBy} (plugin names; empty when unknown, e.g. a
   * PreFilter rejection or a pod waiting for preemption victims) may fit after this event.
   */
  boolean mayHelp(Set<String> rejectedBy) {
    if (helps == null || rejectedBy.isEmpty()) {
      return true;
    }
    for (String plugin : rejectedBy) {
      if (helps.contains(plugin)) {
        return true;
      }
    }
    return false;
  }
}
