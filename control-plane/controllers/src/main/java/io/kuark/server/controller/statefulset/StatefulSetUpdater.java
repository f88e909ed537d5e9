package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Pods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One pass of upstream's StatefulSet update: create missing ordinals (claims first), replace
 * terminal pods, delete ordinals outside the range from the highest down, then roll pods whose
 * revision is not the update revision from the highest ordinal down to the partition. With {@code
 * OrderedReady} management each step waits for the previous pods to be Running and Ready; with
 * {@code Parallel} creation and deletion do not wait, while the rolling update still replaces one
 * pod at a time.
 */
final class StatefulSetUpdater {

  /** The revisions a pass works with. */
  record Revisions(
      String current,
      PodTemplateSpec currentTemplate,
      String update,
      PodTemplateSpec updateTemplate) {}

  private final KubernetesClient client;
  private final StatefulClaims claims;
  private final EventRecorder events;

  StatefulSetUpdater(KubernetesClient client, StatefulClaims claims, EventRecorder events) {
    this.client = client;
    this.claims = claims;
    this.events = events;
  }

  /** Takes the next steps for {@code set} given its pods; idempotent. */
  void update(StatefulSet set, List<Pod> pods, Revisions rev, Instant now) {
    int start = StatefulPods.startOrdinal(set);
    int count = StatefulPods.replicas(set);
    Pod[] replicas = new Pod[count];
    List<Pod> condemned = new ArrayList<>();
    for (Pod p : pods) {
      int ord = StatefulPods.ordinalOf(set, p);
      if (ord < 0) {
        continue;
      }
      if (ord >= start && ord < start + count) {
        replicas[ord - start] = p;
      } else {
        condemned.add(p);
      }
    }
    condemned.sort(Comparator.comparingInt(p -> StatefulPods.ordinalOf(set, p)));
    boolean monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
    int minReady = minReadySeconds(set);

    for (int i = 0; i < count; i++) {
      int ord = start + i;
      Pod pod = replicas[i];
      if (pod == null) {
        claims.ensure(set, ord);
        createPod(set, newVersionedPod(set, rev, ord));
        if (monotonic) {
          return;
        }
        continue;
      }
      if (Pods.isTerminal(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
        deletePod(set, pod);
        if (monotonic) {
          return;
        }
        continue;
      }
      if (isPending(pod)) {
        claims.ensure(set, ord);
      }
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        if (monotonic) {
          return;
        }
        continue;
      }
      claims.applyRetention(set, pod, ord, false);
      if (!isHealthy(pod, minReady, now) && monotonic) {
        return;
      }
    }

    for (int i = condemned.size() - 1; i >= 0; i--) {
      Pod pod = condemned.get(i);
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        if (monotonic) {
          return;
        }
        continue;
      }
      // Ordered scale-down only removes a pod while every other pod is healthy.
      if (monotonic && anyOtherUnhealthy(pod, replicas, condemned, minReady, now)) {
        return;
      }
      claims.applyRetention(set, pod, StatefulPods.ordinalOf(set, pod), true);
      deletePod(set, pod);
      if (monotonic) {
        return;
      }
    }

    if (set.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(set.getSpec().getUpdateStrategy().getType())) {
      return;
    }
    int partition = partition(set);
    for (int target = count - 1; target >= Math.max(partition, 0); target--) {
      Pod pod = replicas[target];
      if (pod == null) {
        return;
      }
      if (!rev.update().equals(StatefulPods.revisionOf(pod))
          && pod.getMetadata().getDeletionTimestamp() == null) {
        deletePod(set, pod);
        return;
      }
      if (!isHealthy(pod, minReady, now)) {
        return;
      }
    }
  }

  static int partition(StatefulSet set) {
    if (set.getSpec().getUpdateStrategy() == null
        || set.getSpec().getUpdateStrategy().getRollingUpdate() == null
        || set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition() == null) {
      return 0;
    }
    return set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
  }

  static int minReadySeconds(StatefulSet set) {
    return set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
  }

  /**
   * Ordinals below the partition keep the current revision under RollingUpdate; all others get the
   * update revision.
   */
  private Pod newVersionedPod(StatefulSet set, Revisions rev, int ordinal) {
    boolean rolling =
        set.getSpec().getUpdateStrategy() == null
            || !"OnDelete".equals(set.getSpec().getUpdateStrategy().getType());
    if (rolling && ordinal < StatefulPods.startOrdinal(set) + partition(set)) {
      return StatefulPods.newPod(
          client.getKubernetesSerialization(), set, rev.currentTemplate(), rev.current(), ordinal);
    }
    return StatefulPods.newPod(
        client.getKubernetesSerialization(), set, rev.updateTemplate(), rev.update(), ordinal);
  }

  static boolean isRunningAndReady(Pod pod) {
    return pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && Pods.isReady(pod);
  }

  static boolean isHealthy(Pod pod, int minReadySeconds, Instant now) {
    return isRunningAndReady(pod)
        && pod.getMetadata().getDeletionTimestamp() == null
        && Pods.isAvailable(pod, minReadySeconds, now);
  }

  private static boolean isPending(Pod pod) {
    return pod.getStatus() == null
        || pod.getStatus().getPhase() == null
        || "Pending".equals(pod.getStatus().getPhase());
  }

  private static boolean anyOtherUnhealthy(
      Pod self, Pod[] replicas, List<Pod> condemned, int minReady, Instant now) {
    for (Pod p : replicas) {
      if (p != null && p != self && !isHealthy(p, minReady, now)) {
        return true;
      }
    }
    for (Pod p : condemned) {
      if (p != self && !isHealthy(p, minReady, now)) {
        return true;
      }
    }
    return false;
  }

  private void createPod(StatefulSet set, Pod pod) {
    String what =
        "create Pod "
            + pod.getMetadata().getName()
            + " in StatefulSet "
            + set.getMetadata().getName();
    try {
      client.pods().inNamespace(set.getMetadata().getNamespace()).resource(pod).create();
      events.normal(set, "SuccessfulCreate", what + " successful");
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // The cache lags behind an earlier create of this stable name; the next event resyncs.
        return;
      }
      events.warning(set, "FailedCreate", what + " failed error: " + e.getMessage());
      throw e;
    }
  }

  private void deletePod(StatefulSet set, Pod pod) {
    String what =
        "delete Pod "
            + pod.getMetadata().getName()
            + " in StatefulSet "
            + set.getMetadata().getName();
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .delete();
      events.normal(set, "SuccessfulDelete", what + " successful");
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return;
      }
      events.warning(set, "FailedDelete", what + " failed error: " + e.getMessage());
      throw e;
    }
  }
}
