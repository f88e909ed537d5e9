package io.kuark.server.controller.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
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
import io.kuark.server.controller.runtime.ControllerRefManager;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Expectations;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.OwnedPodHandler;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.PodDeletions;
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
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Runs Jobs (NonIndexed and Indexed completion modes): keeps up to {@code parallelism} pods active
 * until {@code completions} pods succeeded (or, without completions, until one succeeded and none
 * is active), fails the Job after more than {@code backoffLimit} failed pods or past {@code
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
  private final PodDeletions deletions;
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;
  private final ControllerRefManager refs;

  public JobController(LoopContext ctx) {
    this.client = ctx.client();
    this.jobs = ctx.informers().lister(Job.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("job-controller");
    this.deletions = new PodDeletions(client, expectations, events);
    this.clock = ctx.clock();
    this.controller = ctx.controller("job", this::sync, 2);
    ctx.informers()
        .get(Job.class)
        .addEventHandler(Handlers.any(j -> controller.enqueue(Keys.of(j))));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(
            OwnedPodHandler.of(
                "Job",
                expectations,
                controller,
                p -> OwnedPodHandler.matchingOwners(jobs, p, j -> j.getSpec().getSelector())));
    this.refs = new ControllerRefManager(client);
  }

  public Controller controller() {
    return controller;
  }

  /**
   * The pods this Job controls after adopting matching orphans and releasing owned pods whose
   * labels no longer match its selector (upstream's getPodsForJob).
   */
  private List<Pod> claimPods(Job job) {
    String ns = job.getMetadata().getNamespace();
    if (job.getSpec().getSelector() == null) {
      // The API server always generates a selector; without one (objects written around it)
      // nothing can match, so keep what the Job controls instead of releasing all of it.
      List<Pod> owned = new ArrayList<>();
      for (Pod p : pods.namespace(ns).list()) {
        if (Owners.isControlledBy(p, job.getMetadata().getUid())) {
          owned.add(p);
        }
      }
      return owned;
    }
    OwnerReference ref = Owners.controllerRef(job);
    ref.setApiVersion(HasMetadata.getApiVersion(Job.class));
    ref.setKind(HasMetadata.getKind(Job.class));
    return refs.claimPods(
        job,
        job.getSpec().getSelector(),
        pods.namespace(ns).list(),
        ref,
        () ->
            client.batch().v1().jobs().inNamespace(ns).withName(job.getMetadata().getName()).get());
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
    boolean indexed = CompletionIndexes.indexed(job);
    int completionsSpec =
        job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
    SortedSet<Integer> succeededIndexes = new TreeSet<>();
    for (Pod p : claimPods(job)) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        succeeded++;
        int index = CompletionIndexes.of(p);
        if (indexed && index >= 0 && index < completionsSpec) {
          succeededIndexes.add(index);
        }
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
          indexed
              ? succeededIndexes.size() >= completionsSpec
              : completions != null ? succeeded >= completions : succeeded > 0 && active.isEmpty();
      if (failReason != null) {
        deletions.delete(key, job, active);
        active = List.of();
        setCondition(status, "FailureTarget", failReason, failMessage, now);
        setCondition(status, "Failed", failReason, failMessage, now);
        events.warning(job, failReason, failMessage);
      } else if (complete) {
        deletions.delete(key, job, active);
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
      } else if (indexed
          && !Boolean.TRUE.equals(job.getSpec().getSuspend())
          && expectations.satisfied(key)) {
        active = manageIndexed(key, job, active, succeededIndexes, parallelism);
        if (active == null) {
          return Optional.empty();
        }
        if (deadline != null && started != null) {
          again = Optional.of(Duration.between(now, started.plusSeconds(deadline)).plusSeconds(1));
        }
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
              Pod created = createPod(job, -1);
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
          deletions.delete(key, job, active.subList(0, -diff));
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
    if (indexed) {
      status.setCompletedIndexes(CompletionIndexes.format(succeededIndexes));
    }
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

  /**
   * Indexed mode: one active pod per index that has not succeeded, lowest indexes first, at most
   * {@code parallelism} at once; pods of succeeded or unknown indexes and duplicates are deleted.
   * Returns the active pods that remain, or null when the namespace is going away.
   */
  private List<Pod> manageIndexed(
      String key, Job job, List<Pod> active, SortedSet<Integer> succeeded, int parallelism) {
    int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
    Map<Integer, Pod> byIndex = new HashMap<>();
    List<Pod> surplus = new ArrayList<>();
    for (Pod p : active) {
      int index = CompletionIndexes.of(p);
      if (index < 0
          || index >= completions
          || succeeded.contains(index)
          || byIndex.containsKey(index)) {
        surplus.add(p);
      } else {
        byIndex.put(index, p);
      }
    }
    if (!surplus.isEmpty()) {
      deletions.delete(key, job, surplus);
      return new ArrayList<>(byIndex.values());
    }
    int room = Math.min(parallelism, completions - succeeded.size()) - byIndex.size();
    List<Integer> toCreate = new ArrayList<>();
    for (int i = 0; i < completions && toCreate.size() < room; i++) {
      if (!succeeded.contains(i) && !byIndex.containsKey(i)) {
        toCreate.add(i);
      }
    }
    if (toCreate.isEmpty()) {
      return new ArrayList<>(byIndex.values());
    }
    expectations.expectCreations(key, toCreate.size());
    for (int n = 0; n < toCreate.size(); n++) {
      try {
        Pod created = createPod(job, toCreate.get(n));
        events.normal(job, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
      } catch (KubernetesClientException e) {
        for (int s = n; s < toCreate.size(); s++) {
          expectations.creationObserved(key);
        }
        if (io.kuark.server.controller.runtime.ApiErrors.namespaceTerminating(e)) {
          return null;
        }
        events.warning(job, "FailedCreate", "Error creating: " + e.getMessage());
        throw e;
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /** A pod of {@code job}; {@code index} >= 0 makes it the pod of that completion index. */
  private Pod createPod(Job job, int index) {
    PodTemplateSpec template =
        client.getKubernetesSerialization().clone(job.getSpec().getTemplate());
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    Map<String, String> annotations =
        template.getMetadata() == null || template.getMetadata().getAnnotations() == null
            ? null
            : new HashMap<>(template.getMetadata().getAnnotations());
    String generateName = job.getMetadata().getName() + "-";
    if (index >= 0) {
      String value = Integer.toString(index);
      labels.put(CompletionIndexes.ANNOTATION, value);
      annotations = annotations == null ? new HashMap<>() : annotations;
      annotations.put(CompletionIndexes.ANNOTATION, value);
      generateName = job.getMetadata().getName() + "-" + index + "-";
      if (template.getSpec().getHostname() == null || template.getSpec().getHostname().isEmpty()) {
        template.getSpec().setHostname(job.getMetadata().getName() + "-" + index);
      }
      // Upstream uses a fieldRef to the annotation; the literal value is the same and needs no
      // downward-API support for annotations in the kubelet.
      addIndexEnv(template.getSpec().getInitContainers(), value);
      addIndexEnv(template.getSpec().getContainers(), value);
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
            .withGenerateName(generateName)
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owner)
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    return client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
  }

  private static void addIndexEnv(List<Container> containers, String value) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      List<EnvVar> env = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
      env.removeIf(e -> CompletionIndexes.ENV.equals(e.getName()));
      env.add(new EnvVar(CompletionIndexes.ENV, value, null));
      c.setEnv(env);
    }
  }
}
