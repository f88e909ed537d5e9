package io.kuark.server.controller.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Times;
import java.time.Instant;
import java.util.Comparator;

/**
 * Orders pods so the ones cheapest to lose come first, as upstream's ActivePods ordering does:
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready,
 * ready for a shorter time first, more restarts first, newer first.
 */
final class PodDeletionRanking implements Comparator<Pod> {

  @Override
  public int compare(Pod a, Pod b) {
    int c = Boolean.compare(Pods.isScheduled(a), Pods.isScheduled(b));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(phaseRank(a), phaseRank(b));
    if (c != 0) {
      return c;
    }
    c = Boolean.compare(Pods.isReady(a), Pods.isReady(b));
    if (c != 0) {
      return c;
    }
    if (Pods.isReady(a) && Pods.isReady(b)) {
      Instant ra = readySince(a);
      Instant rb = readySince(b);
      if (ra != null && rb != null && !ra.equals(rb)) {
        return rb.compareTo(ra);
      }
    }
    c = Integer.compare(restarts(b), restarts(a));
    if (c != 0) {
      return c;
    }
    Instant ca = Times.parse(a.getMetadata().getCreationTimestamp());
    Instant cb = Times.parse(b.getMetadata().getCreationTimestamp());
    if (ca != null && cb != null) {
      return cb.compareTo(ca);
    }
    return 0;
  }

  private static int phaseRank(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    if ("Running".equals(phase)) {
      return 2;
    }
    if ("Unknown".equals(phase)) {
      return 1;
    }
    return 0;
  }

  private static Instant readySince(Pod p) {
    PodCondition c = Pods.condition(p, "Ready");
    return c == null ? null : Times.parse(c.getLastTransitionTime());
  }

  private static int restarts(Pod p) {
    int max = 0;
    if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus s : p.getStatus().getContainerStatuses()) {
        if (s.getRestartCount() != null) {
          max = Math.max(max, s.getRestartCount());
        }
      }
    }
    return max;
  }
}
