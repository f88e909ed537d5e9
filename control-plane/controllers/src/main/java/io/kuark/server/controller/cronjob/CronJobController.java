package io.kuark.server.controller.cronjob;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.Semantic;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates a Job from each CronJob at its scheduled times (spec.timeZone or UTC), honouring suspend,
 * startingDeadlineSeconds and concurrencyPolicy (Allow/Forbid/Replace), keeps
 * status.active/lastScheduleTime/lastSuccessfulTime, and prunes finished Jobs beyond the history
 * limits.
 */
public final class CronJobController {
  static final String SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

  private final KubernetesClient client;
  private final Lister<CronJob> cronJobs;
  private final Lister<Job> jobs;
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;
  private final Map<String, Instant> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();

  public CronJobController(LoopContext ctx) {
    this.client = ctx.client();
    this.cronJobs = ctx.informers().lister(CronJob.class);
    this.jobs = ctx.informers().lister(Job.class);
    this.events = ctx.recorder("cronjob-controller");
    this.clock = ctx.clock();
    this.controller = ctx.controller("cronjob", this::sync, 1);
    ctx.informers()
        .get(CronJob.class)
        .addEventHandler(Handlers.any(c -> controller.enqueue(Keys.of(c))));
    ctx.informers()
        .get(Job.class)
        .addEventHandler(
            Handlers.any(
                j -> {
                  OwnerReference ref = Owners.controllerOf(j);
                  if (ref != null && "CronJob".equals(ref.getKind())) {
                    controller.enqueue(Keys.of(j.getMetadata().getNamespace(), ref.getName()));
                  }
                }));
  }

  public Controller controller() {
    return controller;
  }

  private static String finishedType(Job j) {
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : j.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
          && "True".equals(c.getStatus())) {
        return c.getType();
      }
    }
    return null;
  }

  Optional<Duration> sync(String key) {
    CronJob cj = cronJobs.get(key);
    if (cj == null) {
      return Optional.empty();
    }
    Optional<CronSchedule> schedule = CronSchedule.parse(cj.getSpec().getSchedule());
    if (schedule.isEmpty()) {
      events.warning(
          cj,
          "UnparseableSchedule",
          "unparseable schedule: \"" + cj.getSpec().getSchedule() + "\"");
      return Optional.empty();
    }
    ZoneId zone;
    try {
      zone =
          cj.getSpec().getTimeZone() == null
              ? ZoneOffset.UTC
              : ZoneId.of(cj.getSpec().getTimeZone());
    } catch (RuntimeException e) {
      events.warning(
          cj, "UnknownTimeZone", "invalid timeZone: \"" + cj.getSpec().getTimeZone() + "\"");
      return Optional.empty();
    }
    String ns = cj.getMetadata().getNamespace();
    List<Job> active = new ArrayList<>();
    List<Job> succeeded = new ArrayList<>();
    List<Job> failed = new ArrayList<>();
    for (Job j : jobs.namespace(ns).list()) {
      if (!Owners.isControlledBy(j, cj.getMetadata().getUid())) {
        continue;
      }
      String done = finishedType(j);
      if (done == null) {
        active.add(j);
      } else if ("Complete".equals(done)) {
        succeeded.add(j);
      } else {
        failed.add(j);
      }
    }
    CronJobStatus status =
        cj.getStatus() == null
            ? new CronJobStatus()
            : client.getKubernetesSerialization().clone(cj.getStatus());
    Instant lastSuccess = Times.parse(status.getLastSuccessfulTime());
    for (Job j : succeeded) {
      Instant t = Times.parse(j.getStatus().getCompletionTime());
      if (t != null && (lastSuccess == null || t.isAfter(lastSuccess))) {
        lastSuccess = t;
      }
    }
    if (lastSuccess != null) {
      status.setLastSuccessfulTime(Times.format(lastSuccess));
    }
    prune(
        cj,
        succeeded,
        cj.getSpec().getSuccessfulJobsHistoryLimit() == null
            ? 3
            : cj.getSpec().getSuccessfulJobsHistoryLimit());
    prune(
        cj,
        failed,
        cj.getSpec().getFailedJobsHistoryLimit() == null
            ? 1
            : cj.getSpec().getFailedJobsHistoryLimit());

    ZonedDateTime now = clock.instant().atZone(zone);
    Optional<Duration> again = Optional.empty();
    if (!Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
      Instant since = Times.parse(status.getLastScheduleTime());
      if (since == null) {
        since = Times.parse(cj.getMetadata().getCreationTimestamp());
      }
      if (since == null) {
        // No creationTimestamp: count from when this controller first saw it, not from "now"
        // on every sync (which would never let a time become due).
        since =
            firstSeen.computeIfAbsent(
                cj.getMetadata().getUid() == null ? key : cj.getMetadata().getUid(),
                k -> clock.instant());
      }
      ZonedDateTime due = null;
      ZonedDateTime t = since.atZone(zone);
      for (int i = 0; i < 1000; i++) {
        Optional<ZonedDateTime> n = schedule.get().next(t);
        if (n.isEmpty() || n.get().isAfter(now)) {
          break;
        }
        due = n.get();
        t = due;
      }
      Long deadline = cj.getSpec().getStartingDeadlineSeconds();
      boolean tooLate =
          due != null
              && deadline != null
              && due.toInstant().plusSeconds(deadline).isBefore(now.toInstant());
      if (due != null && !tooLate) {
        String policy =
            cj.getSpec().getConcurrencyPolicy() == null
                ? "Allow"
                : cj.getSpec().getConcurrencyPolicy();
        if ("Forbid".equals(policy) && !active.isEmpty()) {
          events.normal(
              cj,
              "JobAlreadyActive",
              "Not starting job because prior execution is running and concurrency policy is Forbid");
        } else {
          if ("Replace".equals(policy)) {
            for (Job j : active) {
              deleteJob(cj, j);
            }
            active.clear();
          }
          Job created = createJob(cj, due);
          if (created != null) {
            active.add(created);
          }
          status.setLastScheduleTime(Times.format(due.toInstant()));
        }
      } else if (tooLate) {
        status.setLastScheduleTime(Times.format(due.toInstant()));
        events.warning(
            cj,
            "MissSchedule",
            "Missed scheduled time to start a job: " + Times.format(due.toInstant()));
      }
      Optional<ZonedDateTime> next = schedule.get().next(now);
      if (next.isPresent()) {
        again = Optional.of(Duration.between(now, next.get()).plusMillis(100));
      }
    }
    List<ObjectReference> refs = new ArrayList<>();
    active.sort(Comparator.comparing(j -> j.getMetadata().getName()));
    for (Job j : active) {
      refs.add(
          new ObjectReferenceBuilder()
              .withApiVersion("batch/v1")
              .withKind("Job")
              .withNamespace(ns)
              .withName(j.getMetadata().getName())
              .withUid(j.getMetadata().getUid())
              .withResourceVersion(j.getMetadata().getResourceVersion())
              .build());
    }
    status.setActive(refs.isEmpty() ? null : refs);
    if (!Semantic.equal(client.getKubernetesSerialization(), status, cj.getStatus())) {
      CronJob copy = client.getKubernetesSerialization().clone(cj);
      copy.setStatus(status);
      client.batch().v1().cronjobs().inNamespace(ns).resource(copy).updateStatus();
    }
    return again;
  }

  private Job createJob(CronJob cj, ZonedDateTime scheduled) {
    var template = client.getKubernetesSerialization().clone(cj.getSpec().getJobTemplate());
    Map<String, String> annotations = new HashMap<>();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null) {
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
    }
    annotations.put(SCHEDULED_ANNOTATION, scheduled.toOffsetDateTime().toString());
    OwnerReference owner = Owners.controllerRef(cj);
    owner.setApiVersion(HasMetadata.getApiVersion(CronJob.class));
    owner.setKind(HasMetadata.getKind(CronJob.class));
    // Upstream names jobs after the scheduled time in minutes since the epoch.
    String name = cj.getMetadata().getName() + "-" + (scheduled.toEpochSecond() / 60);
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(cj.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owner)
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    try {
      Job created =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(cj.getMetadata().getNamespace())
              .resource(job)
              .create();
      events.normal(cj, "SuccessfulCreate", "Created job " + name);
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      events.warning(cj, "FailedCreate", "Error creating job: " + e.getMessage());
      throw e;
    }
  }

  private void prune(CronJob cj, List<Job> finished, int limit) {
    if (finished.size() <= limit) {
      return;
    }
    finished.sort(
        Comparator.comparing((Job j) -> String.valueOf(j.getMetadata().getCreationTimestamp()))
            .thenComparing(j -> j.getMetadata().getName()));
    for (int i = 0; i < finished.size() - limit; i++) {
      deleteJob(cj, finished.get(i));
    }
  }

  private void deleteJob(CronJob cj, Job j) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(j.getMetadata().getNamespace())
          .withName(j.getMetadata().getName())
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      events.normal(cj, "SuccessfulDelete", "Deleted job " + j.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
