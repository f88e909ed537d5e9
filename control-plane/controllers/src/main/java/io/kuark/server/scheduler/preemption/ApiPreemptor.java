package io.kuark.server.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Carries out preemptions through the API, as upstream's prepareCandidate: each victim gets the
 * {@code DisruptionTarget} condition (reason {@code PreemptionByScheduler}) and a {@code Preempted}
 * event, and is deleted gracefully (its own termination grace period); lower-priority pods
 * nominated to the node lose their nomination; the preemptor's {@code status.nominatedNodeName}
 * names the node. Writes run on {@code executor} so the scheduling loop never waits for them.
 */
public final class ApiPreemptor implements Preemptor {
  private static final Logger LOG = Logger.getLogger(ApiPreemptor.class);
  static final String DISRUPTION_TARGET = "DisruptionTarget";
  static final String REASON = "PreemptionByScheduler";

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Executor executor;
  private final Clock clock;
  private final String schedulerName;

  public ApiPreemptor(
      KubernetesClient client,
      EventRecorder events,
      Executor executor,
      Clock clock,
      String schedulerName) {
    this.client = client;
    this.events = events;
    this.executor = executor;
    this.clock = clock;
    this.schedulerName = schedulerName;
  }

  @Override
  public void preempt(Pod pod, Candidate candidate, List<Pod> displaced) {
    run(
        () -> {
          for (Pod victim : candidate.victims()) {
            evict(pod, victim, candidate.node());
          }
          for (Pod other : displaced) {
            setNominatedNode(other, null);
          }
          setNominatedNode(pod, candidate.node());
        });
  }

  @Override
  public void clearNomination(Pod pod) {
    run(() -> setNominatedNode(pod, null));
  }

  private void run(Runnable r) {
    try {
      executor.execute(r);
    } catch (RejectedExecutionException e) {
      // Shutting down: the next leader schedules the pod again.
    }
  }

  private void evict(Pod preemptor, Pod victim, String node) {
    String ns = victim.getMetadata().getNamespace();
    String name = victim.getMetadata().getName();
    try {
      client
          .pods()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              p -> {
                if (p.getStatus() == null) {
                  p.setStatus(new PodStatus());
                }
                List<PodCondition> conditions = new ArrayList<>();
                if (p.getStatus().getConditions() != null) {
                  for (PodCondition c : p.getStatus().getConditions()) {
                    if (!DISRUPTION_TARGET.equals(c.getType())) {
                      conditions.add(c);
                    }
                  }
                }
                conditions.add(
                    new PodConditionBuilder()
                        .withType(DISRUPTION_TARGET)
                        .withStatus("True")
                        .withReason(REASON)
                        .withMessage(
                            schedulerName + ": preempting to accommodate a higher priority pod")
                        .withLastTransitionTime(Times.now(clock))
                        .build());
                p.getStatus().setConditions(conditions);
                return p;
              });
    } catch (RuntimeException e) {
      // The condition is informative; the deletion below is what frees the node.
      LOG.debugf("DisruptionTarget condition on %s/%s: %s", ns, name, e.toString());
    }
    try {
      client.pods().inNamespace(ns).withName(name).delete();
      events.normal(
          victim,
          "Preempted",
          "Preempted by pod " + preemptor.getMetadata().getUid() + " on node " + node);
    } catch (RuntimeException e) {
      LOG.warnf("preempting %s/%s failed: %s", ns, name, e.toString());
    }
  }

  private void setNominatedNode(Pod pod, String node) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    // The scheduler's own status write (the FailedScheduling condition) can race this edit; a
    // conflict is retried so the nomination is not lost.
    for (int attempt = 0; ; attempt++) {
      try {
        client
            .pods()
            .inNamespace(ns)
            .withName(name)
            .editStatus(
                p -> {
                  if (p.getStatus() == null) {
                    p.setStatus(new PodStatus());
                  }
                  p.getStatus().setNominatedNodeName(node);
                  return p;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < 5) {
          continue;
        }
        // Gone or bound meanwhile: nothing to nominate.
        LOG.debugf("nominatedNodeName of %s/%s: %s", ns, name, e.toString());
        return;
      } catch (RuntimeException e) {
        LOG.debugf("nominatedNodeName of %s/%s: %s", ns, name, e.toString());
        return;
      }
    }
  }
}
