package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a pod's status from the agent's view, following kubelet: phase from container states and
 * restart policy, the five pod conditions, container statuses. Condition transition times are kept
 * from the pod's current status while a condition's value does not change, so an unchanged pod
 * computes an identical status (and is not patched again).
 */
public final class PodStatusComputer {

  private PodStatusComputer() {}

  /**
   * @param previous the status last written for this pod (condition transition times are kept from
   *     it), or null to use the pod's own status
   */
  public static PodStatus compute(Pod pod, PodStatus previous, PodView view, Instant now) {
    PodStatus before = previous != null ? previous : pod.getStatus();
    String restartPolicy = restartPolicy(pod);
    List<ContainerStatus> initStatuses = new ArrayList<>();
    for (ContainerView c : view.initContainers()) {
      initStatuses.add(containerStatus(c));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    for (ContainerView c : view.containers()) {
      statuses.add(containerStatus(c));
    }
    boolean initialized = true;
    List<String> notInitialized = new ArrayList<>();
    boolean initFailed = false;
    for (ContainerView c : view.initContainers()) {
      boolean succeeded = c.state() == ContainerView.State.TERMINATED && c.exitCode() == 0;
      if (!succeeded) {
        initialized = false;
        notInitialized.add(c.name());
        if (c.state() == ContainerView.State.TERMINATED && restartPolicy.equals("Never")) {
          initFailed = true;
        }
      }
    }
    String phase =
        initFailed ? "Failed" : initialized ? phase(view.containers(), restartPolicy) : "Pending";
    List<String> notReady = new ArrayList<>();
    for (ContainerView c : view.containers()) {
      if (!c.ready()) {
        notReady.add(c.name());
      }
    }
    boolean containersReady = notReady.isEmpty() && initialized;
    boolean completed = phase.equals("Succeeded") || phase.equals("Failed");

    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            before,
            "PodReadyToStartContainers",
            view.sandboxReady() && !completed || view.sandboxReady(),
            null,
            null,
            now));
    conditions.add(
        condition(
            before,
            "Initialized",
            initialized,
            initialized
                ? (completed && !view.initContainers().isEmpty() ? "PodCompleted" : null)
                : "ContainersNotInitialized",
            initialized
                ? null
                : "containers with incomplete status: [" + String.join(" ", notInitialized) + "]",
            now));
    String notReadyReason = completed ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage =
        completed ? null : "containers with unready status: [" + String.join(" ", notReady) + "]";
    conditions.add(
        condition(
            before,
            "Ready",
            containersReady && !completed,
            containersReady && !completed ? null : notReadyReason,
            containersReady && !completed ? null : notReadyMessage,
            now));
    conditions.add(
        condition(
            before,
            "ContainersReady",
            containersReady && !completed,
            containersReady && !completed ? null : notReadyReason,
            containersReady && !completed ? null : notReadyMessage,
            now));
    conditions.add(condition(before, "PodScheduled", true, null, null, now));

    PodStatus status = new PodStatus();
    status.setPhase(phase);
    status.setConditions(conditions);
    status.setHostIP(view.hostIp());
    status.setHostIPs(view.hostIp() == null ? List.of() : List.of(new HostIP(view.hostIp())));
    if (!view.podIps().isEmpty()) {
      status.setPodIP(view.podIps().get(0));
      List<PodIP> ips = new ArrayList<>();
      for (String ip : view.podIps()) {
        ips.add(new PodIP(ip));
      }
      status.setPodIPs(ips);
    }
    status.setStartTime(time(view.startTime()));
    status.setInitContainerStatuses(initStatuses);
    status.setContainerStatuses(statuses);
    status.setQosClass(ResourceMapping.qosClass(pod));
    return status;
  }

  /**
   * Kubelet's phase rules: a container waiting for its first start keeps the pod Pending; one
   * waiting to restart counts as stopped.
   */
  static String phase(List<ContainerView> containers, String restartPolicy) {
    int waiting = 0;
    int running = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerView c : containers) {
      switch (c.state()) {
        case RUNNING -> running++;
        case TERMINATED -> {
          stopped++;
          if (c.exitCode() == 0) {
            succeeded++;
          }
        }
        case WAITING -> {
          if (c.last() != null) {
            stopped++;
          } else {
            waiting++;
          }
        }
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      return switch (restartPolicy) {
        case "Always" -> "Running";
        case "OnFailure" -> stopped == succeeded ? "Succeeded" : "Running";
        default -> stopped == succeeded ? "Succeeded" : "Failed";
      };
    }
    return "Pending";
  }

  static String restartPolicy(Pod pod) {
    String policy = pod.getSpec().getRestartPolicy();
    return policy == null || policy.isEmpty() ? "Always" : policy;
  }

  private static ContainerStatus containerStatus(ContainerView c) {
    ContainerState state =
        switch (c.state()) {
          case WAITING ->
              new ContainerStateBuilder()
                  .withNewWaiting()
                  .withReason(c.reason())
                  .withMessage(c.message())
                  .endWaiting()
                  .build();
          case RUNNING ->
              new ContainerStateBuilder()
                  .withNewRunning()
                  .withStartedAt(time(c.startedAt()))
                  .endRunning()
                  .build();
          case TERMINATED ->
              new ContainerStateBuilder()
                  .withNewTerminated()
                  .withExitCode(c.exitCode())
                  .withReason(c.reason())
                  .withMessage(c.message())
                  .withStartedAt(time(c.startedAt()))
                  .withFinishedAt(time(c.finishedAt()))
                  .withContainerID(c.containerId())
                  .endTerminated()
                  .build();
        };
    ContainerState last = new ContainerState();
    if (c.last() != null) {
      ContainerView.Termination t = c.last();
      last =
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(t.exitCode())
              .withReason(t.reason())
              .withMessage(t.message())
              .withStartedAt(time(t.startedAt()))
              .withFinishedAt(time(t.finishedAt()))
              .withContainerID(t.containerId())
              .endTerminated()
              .build();
    }
    return new ContainerStatusBuilder()
        .withName(c.name())
        .withImage(c.image())
        .withImageID(c.imageId() == null ? "" : c.imageId())
        .withContainerID(c.containerId())
        .withRestartCount(c.restartCount())
        .withReady(c.ready())
        .withStarted(c.state() == ContainerView.State.RUNNING)
        .withState(state)
        .withLastState(last)
        .build();
  }

  private static PodCondition condition(
      PodStatus before, String type, boolean value, String reason, String message, Instant now) {
    String status = value ? "True" : "False";
    String transition = time(now);
    if (before != null && before.getConditions() != null) {
      for (PodCondition existing : before.getConditions()) {
        if (type.equals(existing.getType())
            && status.equals(existing.getStatus())
            && existing.getLastTransitionTime() != null) {
          transition = existing.getLastTransitionTime();
        }
      }
    }
    PodCondition condition = new PodCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setLastTransitionTime(transition);
    condition.setReason(reason);
    condition.setMessage(message);
    return condition;
  }

  /** RFC 3339 with second precision, as the API serializes metav1.Time. */
  static String time(Instant instant) {
    if (instant == null) {
      return null;
    }
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
