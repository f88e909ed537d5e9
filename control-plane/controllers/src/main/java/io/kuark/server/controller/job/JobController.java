package io.kuark.server.controller.job;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Expectations;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.OwnedPodHandler;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Semantic;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs Jobs (NonIndexed completion mode): keeps up to {@code parallelism} pods active until {@code
 * completions} pods succeeded (or, without completions, until one succeeded and none is active),
 * fails the Job after more than {@code backoffLimit} failed pods or past {@code
 * activeDeadlineSeconds}, and reports status and the Complete/Failed conditions (with
 * SuccessCriteriaMet/FailureTarget first, as upstream since 1.31).
 */
public final class JobController {
  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";

  private final KubernetesClient client;
  private final Lister<Job> jobs;
  private final Lister<Pod> pods;
  private final Expectations expectations = new Expectations();
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;

  public JobController(LoopContext ctx) {
    this.client = ctx.client();
    this.jobs = ctx.informers().lister(Job.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("job-controller");
    this.clock = ctx.clock();
    this.controller = ctx.controller("job", this::sync, 2);
    ctx.informers()
        .get(Job.class)
        .addEventHandler(Handlers.any(j -> controller.enqueue(Keys.of(j))));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(OwnedPodHandler.of("Job", expectations, controller));
  }

  public Controller controller() {
    return controller;
  }

  private static String ownerKey(Pod pod) {
    return OwnedPodHandler.ownerKey(pod, "Job");
  }

  private static boolean finished(Job job) {
    return conditionTrue(job, "Complete") || conditionTrue(job, "Failed");
  }

  private static boolean conditionTrue(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return false;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  Optional<Duration> sync(String key) {
    Job job = jobs.get(key);
    if (job == null) {
      expectations.delete(key);
      return Optional.empty();
    }
    String uid = job.getMetadata().getUid();
    List<Pod> active = new ArrayList<>();
    int succeeded = 0;
    int failed = 0;
    int ready = 0;
    for (Pod p : pods.namespace(job.getMetadata().getNamespace()).list()) {
      if (!Owners.isControlledBy(p, uid)) {
        continue;
      }
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        succeeded++;
      } else if ("Failed".equals(phase)) {
        failed++;
      } else if (p.getMetadata().getDeletionTimestamp() == null) {
        active.add(p);
        if (Pods.isReady(p)) {
          ready++;
        }
      }
    }
    Instant now = clock.instant();
    JobStatus status =
        job.getStatus() == null
            ? new JobStatus()
            : client.getKubernetesSerialization().clone(job.getStatus());
    if (status.getStartTime() == null && !Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      status.setStartTime(Times.format(now));
    }
    Optional<Duration> again = Optional.empty();
    if (!finished(job)) {
      Integer completions = job.getSpec().getCompletions();
      int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
      int backoffLimit =
          job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
      Long deadline = job.getSpec().getActiveDeadlineSeconds();
      Instant started = Times.parse(status.getStartTime());
      String failReason = null;
      String failMessage = null;
      if (failed > backoffLimit) {
        failReason = "BackoffLimitExceeded";
        failMessage = "Job has reached the specified backoff limit";
      } else if (deadline != null
          && started != null
          && !now.isBefore(started.plusSeconds(deadline))) {
        failReason = "DeadlineExceeded";
        failMessage = "Job was active longer than specified deadline";
      }
      boolean complete =
          completions != null ? succeeded >= completions : succeeded > 0 && active.isEmpty();
      if (failReason != null) {
        deleteAll(key, active);
        active = List.of();
        setCondition(status, "FailureTarget", failReason, failMessage, now);
        setCondition(status, "Failed", failReason, failMessage, now);
        events.warning(job, failReason, failMessage);
      } else if (complete) {
        deleteAll(key, active);
        active = List.of();
        setCondition(
            status,
            "SuccessCriteriaMet",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
            now);
        setCondition(
            status,
            "Complete",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
            now);
        status.setCompletionTime(Times.format(now));
        events.normal(job, "Completed", "Job completed");
      } else if (!Boolean.TRUE.equals(job.getSpec().getSuspend()) && expectations.satisfied(key)) {
        int want =
            completions == null
                ? (succeeded > 0 ? 0 : parallelism)
                : Math.min(parallelism, completions - succeeded);
        int diff = want - active.size();
        if (diff > 0) {
          expectations.expectCreations(key, diff);
          for (int i = 0; i < diff; i++) {
            try {
              Pod created = createPod(job);
              events.normal(
                  job, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
            } catch (KubernetesClientException e) {
              for (int s = i; s < diff; s++) {
                expectations.creationObserved(key);
              }
              if (io.kuark.server.controller.runtime.ApiErrors.namespaceTerminating(e)) {
                return Optional.empty();
              }
              events.warning(job, "FailedCreate", "Error creating: " + e.getMessage());
              throw e;
            }
          }
        } else if (diff < 0) {
          deleteAll(key, active.subList(0, -diff));
        }
        if (deadline != null && started != null) {
          again = Optional.of(Duration.between(now, started.plusSeconds(deadline)).plusSeconds(1));
        }
      }
    }
    status.setActive(active.isEmpty() ? null : active.size());
    status.setSucceeded(succeeded == 0 ? null : succeeded);
    status.setFailed(failed == 0 ? null : failed);
    status.setReady(ready);
    if (!Semantic.equal(client.getKubernetesSerialization(), status, job.getStatus())) {
      Job copy = client.getKubernetesSerialization().clone(job);
      copy.setStatus(status);
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    }
    return again;
  }

  private void deleteAll(String key, List<Pod> victims) {
    List<String> keys = new ArrayList<>();
    for (Pod p : victims) {
      keys.add(Keys.of(p));
    }
    expectations.expectDeletions(key, keys);
    for (Pod p : victims) {
      try {
        client
            .pods()
            .inNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .delete();
      } catch (KubernetesClientException e) {
        expectations.deletionObserved(key, Keys.of(p));
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  private static void setCondition(
      JobStatus status, String type, String reason, String message, Instant now) {
    List<JobCondition> list =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    for (JobCondition c : list) {
      if (type.equals(c.getType())) {
        return;
      }
    }
    list.add(
        new JobConditionBuilder()
            .withType(type)
            .withStatus("True")
            .withReason(reason)
            .withMessage(message)
            .withLastProbeTime(Times.format(now))
            .withLastTransitionTime(Times.format(now))
            .build());
    status.setConditions(list);
  }

  private Pod createPod(Job job) {
    PodTemplateSpec template =
        client.getKubernetesSerialization().clone(job.getSpec().getTemplate());
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.putIfAbsent(CONTROLLER_UID, job.getMetadata().getUid());
    labels.putIfAbsent(JOB_NAME, job.getMetadata().getName());
    labels.putIfAbsent("controller-uid", job.getMetadata().getUid());
    labels.putIfAbsent("job-name", job.getMetadata().getName());
    OwnerReference owner = Owners.controllerRef(job);
    owner.setApiVersion(HasMetadata.getApiVersion(Job.class));
    owner.setKind(HasMetadata.getKind(Job.class));
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(job.getMetadata().getName() + "-")
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(owner)
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    return client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
  }
}
