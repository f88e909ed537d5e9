package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;

/** Questions controllers ask about pods, with upstream's definitions. */
public final class Pods {
  private Pods() {}

  /** Not terminal and not being deleted: counts toward a controller's replicas. */
  public static boolean isActive(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase)
        && !"Failed".equals(phase)
        && pod.getMetadata().getDeletionTimestamp() == null;
  }

  public static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public static PodCondition condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  public static boolean isReady(Pod pod) {
    PodCondition c = condition(pod, "Ready");
    return c != null && "True".equals(c.getStatus());
  }

  /** Ready for at least {@code minReadySeconds} at {@code now}. */
  public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    Instant since = Times.parse(condition(pod, "Ready").getLastTransitionTime());
    return since == null || !since.plusSeconds(minReadySeconds).isAfter(now);
  }

  public static boolean isScheduled(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getNodeName() != null
        && !pod.getSpec().getNodeName().isEmpty();
  }
}
