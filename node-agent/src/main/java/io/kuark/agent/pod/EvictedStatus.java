package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The status of a pod the node evicted, as upstream kubelet writes it: phase {@code Failed}, reason
 * {@code Evicted}, the eviction message, and a {@code DisruptionTarget} condition with reason
 * {@code TerminationByKubelet}.
 */
final class EvictedStatus {

  private EvictedStatus() {}

  static void apply(PodStatus status, String message, PodStatus previous, Instant now) {
    status.setPhase("Failed");
    status.setReason("Evicted");
    status.setMessage(message);
    List<PodCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    conditions.removeIf(c -> "DisruptionTarget".equals(c.getType()));
    String since = now.truncatedTo(ChronoUnit.SECONDS).toString();
    if (previous != null && previous.getConditions() != null) {
      for (PodCondition old : previous.getConditions()) {
        if ("DisruptionTarget".equals(old.getType()) && old.getLastTransitionTime() != null) {
          since = old.getLastTransitionTime();
        }
      }
    }
    PodCondition disruption = new PodCondition();
    disruption.setType("DisruptionTarget");
    disruption.setStatus("True");
    disruption.setReason("TerminationByKubelet");
    disruption.setMessage(message);
    disruption.setLastTransitionTime(since);
    conditions.add(disruption);
    status.setConditions(conditions);
  }
}
