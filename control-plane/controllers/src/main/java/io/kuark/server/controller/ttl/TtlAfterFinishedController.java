package io.kuark.server.controller.ttl;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Deletes finished Jobs (Complete or Failed) {@code ttlSecondsAfterFinished} after they finished,
 * with background propagation so their pods go too.
 */
public final class TtlAfterFinishedController {
  private final KubernetesClient client;
  private final Lister<Job> jobs;
  private final Clock clock;
  private final Controller controller;

  public TtlAfterFinishedController(LoopContext ctx) {
    this.client = ctx.client();
    this.jobs = ctx.informers().lister(Job.class);
    this.clock = ctx.clock();
    this.controller = ctx.controller("ttl-after-finished", this::sync, 1);
    ctx.informers()
        .get(Job.class)
        .addEventHandler(
            Handlers.of(
                j -> controller.enqueue(Keys.of(j)),
                (o, j) -> controller.enqueue(Keys.of(j)),
                j -> {}));
  }

  public Controller controller() {
    return controller;
  }

  /**
   * When the Job finished: the transition time of its Complete/Failed condition, else
   * completionTime.
   */
  static Instant finishedAt(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
          && "True".equals(c.getStatus())) {
        Instant t = Times.parse(c.getLastTransitionTime());
        return t != null ? t : Times.parse(job.getStatus().getCompletionTime());
      }
    }
    return null;
  }

  Optional<Duration> sync(String key) {
    Job job = jobs.get(key);
    if (job == null
        || job.getSpec().getTtlSecondsAfterFinished() == null
        || job.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    Instant finished = finishedAt(job);
    if (finished == null) {
      return Optional.empty();
    }
    Instant expiry = finished.plusSeconds(job.getSpec().getTtlSecondsAfterFinished());
    Instant now = clock.instant();
    if (now.isBefore(expiry)) {
      return Optional.of(Duration.between(now, expiry).plusMillis(100));
    }
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    return Optional.empty();
  }
}
