package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.TemplateRevisions;
import java.time.Instant;
import java.util.List;

/** Computes a StatefulSet's status from its pods as upstream does. */
final class StatefulSetStatusCalculator {
  private StatefulSetStatusCalculator() {}

  static StatefulSetStatus compute(
      StatefulSet set,
      List<Pod> pods,
      StatefulSetUpdater.Revisions rev,
      TemplateRevisions.Update update,
      Instant now) {
    int minReady = StatefulSetUpdater.minReadySeconds(set);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int current = 0;
    int updated = 0;
    for (Pod p : pods) {
      if (StatefulPods.ordinalOf(set, p) < 0) {
        continue;
      }
      replicas++;
      if (StatefulSetUpdater.isRunningAndReady(p)) {
        ready++;
        if (Pods.isAvailable(p, minReady, now)) {
          available++;
        }
      }
      if (p.getMetadata().getDeletionTimestamp() == null) {
        String r = StatefulPods.revisionOf(p);
        if (rev.current().equals(r)) {
          current++;
        }
        if (rev.update().equals(r)) {
          updated++;
        }
      }
    }
    StatefulSetStatus status = new StatefulSetStatus();
    status.setObservedGeneration(set.getMetadata().getGeneration());
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setAvailableReplicas(available);
    status.setCurrentReplicas(current);
    status.setUpdatedReplicas(updated);
    status.setCurrentRevision(rev.current());
    status.setUpdateRevision(rev.update());
    status.setCollisionCount(update.collisionCount());
    if (set.getStatus() != null) {
      status.setConditions(set.getStatus().getConditions());
    }
    boolean rolling =
        set.getSpec().getUpdateStrategy() == null
            || !"OnDelete".equals(set.getSpec().getUpdateStrategy().getType());
    // A finished rolling update makes the update revision the current one.
    if (rolling && updated == replicas && ready == replicas) {
      status.setCurrentRevision(rev.update());
      status.setCurrentReplicas(updated);
    }
    return status;
  }
}
