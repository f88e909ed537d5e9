package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodStatusComputerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Pod pod(String restartPolicy) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("ns")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .addNewContainer()
        .withName("a")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .build();
  }

  private static ContainerView running(String name) {
    return new ContainerView(
        name,
        "busybox",
        "docker.io/library/busybox@sha256:1",
        "runc://c1",
        0,
        ContainerView.State.RUNNING,
        null,
        null,
        0,
        T0,
        null,
        null,
        true);
  }

  private static ContainerView terminated(String name, int code) {
    return new ContainerView(
        name,
        "busybox",
        "id",
        "runc://c1",
        0,
        ContainerView.State.TERMINATED,
        code == 0 ? "Completed" : "Error",
        null,
        code,
        T0,
        T0.plusSeconds(1),
        null,
        false);
  }

  private static ContainerView crashLooping(String name) {
    return new ContainerView(
        name,
        "busybox",
        "id",
        null,
        2,
        ContainerView.State.WAITING,
        "CrashLoopBackOff",
        "back-off",
        0,
        null,
        null,
        new ContainerView.Termination(1, "Error", null, T0, T0, "runc://old"),
        false);
  }

  private static PodView view(List<ContainerView> inits, List<ContainerView> apps) {
    return new PodView(true, List.of("10.42.0.7"), "192.168.1.5", T0, inits, apps);
  }

  private static String condition(PodStatus status, String type) {
    for (PodCondition c : status.getConditions()) {
      if (c.getType().equals(type)) {
        return c.getStatus();
      }
    }
    return null;
  }

  @Test
  void runningReadyPod() {
    PodStatus status =
        PodStatusComputer.compute(pod("Always"), null, view(List.of(), List.of(running("a"))), T0);
    assertThat(status.getPhase()).isEqualTo("Running");
    assertThat(status.getPodIP()).isEqualTo("10.42.0.7");
    assertThat(status.getPodIPs()).hasSize(1);
    assertThat(status.getHostIP()).isEqualTo("192.168.1.5");
    assertThat(status.getStartTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(status.getQosClass()).isEqualTo("BestEffort");
    assertThat(condition(status, "Ready")).isEqualTo("True");
    assertThat(condition(status, "ContainersReady")).isEqualTo("True");
    assertThat(condition(status, "Initialized")).isEqualTo("True");
    assertThat(condition(status, "PodReadyToStartContainers")).isEqualTo("True");
    assertThat(condition(status, "PodScheduled")).isEqualTo("True");
    var cs = status.getContainerStatuses().get(0);
    assertThat(cs.getReady()).isTrue();
    assertThat(cs.getStarted()).isTrue();
    assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(cs.getContainerID()).isEqualTo("runc://c1");
  }

  @Test
  void phaseFollowsRestartPolicy() {
    List<ContainerView> failed = List.of(terminated("a", 1));
    List<ContainerView> done = List.of(terminated("a", 0));
    assertThat(
            PodStatusComputer.compute(pod("Never"), null, view(List.of(), failed), T0).getPhase())
        .isEqualTo("Failed");
    assertThat(PodStatusComputer.compute(pod("Never"), null, view(List.of(), done), T0).getPhase())
        .isEqualTo("Succeeded");
    assertThat(
            PodStatusComputer.compute(pod("OnFailure"), null, view(List.of(), done), T0).getPhase())
        .isEqualTo("Succeeded");
    assertThat(
            PodStatusComputer.compute(pod("OnFailure"), null, view(List.of(), failed), T0)
                .getPhase())
        .isEqualTo("Running");
    assertThat(
            PodStatusComputer.compute(
                    pod("Always"), null, view(List.of(), List.of(crashLooping("a"))), T0)
                .getPhase())
        .isEqualTo("Running");
    assertThat(
            PodStatusComputer.compute(
                    pod("Always"),
                    null,
                    view(
                        List.of(),
                        List.of(ContainerView.waiting("a", "busybox", "ContainerCreating", null))),
                    T0)
                .getPhase())
        .isEqualTo("Pending");
  }

  @Test
  void crashLoopReportsLastStateAndRestarts() {
    PodStatus status =
        PodStatusComputer.compute(
            pod("Always"), null, view(List.of(), List.of(crashLooping("a"))), T0);
    var cs = status.getContainerStatuses().get(0);
    assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(cs.getRestartCount()).isEqualTo(2);
    assertThat(condition(status, "Ready")).isEqualTo("False");
  }

  @Test
  void unfinishedInitContainersKeepThePodPendingAndUninitialized() {
    Pod pod = pod("Always");
    PodStatus status =
        PodStatusComputer.compute(
            pod,
            null,
            view(
                List.of(running("init")),
                List.of(ContainerView.waiting("a", "busybox", "PodInitializing", null))),
            T0);
    assertThat(status.getPhase()).isEqualTo("Pending");
    assertThat(condition(status, "Initialized")).isEqualTo("False");
    assertThat(status.getConditions())
        .anyMatch(c -> "containers with incomplete status: [init]".equals(c.getMessage()));
    assertThat(status.getInitContainerStatuses()).hasSize(1);
  }

  @Test
  void transitionTimesAreKeptWhileAConditionHoldsSoAnUnchangedPodComputesTheSameStatus() {
    Pod pod = pod("Always");
    PodStatus first =
        PodStatusComputer.compute(pod, null, view(List.of(), List.of(running("a"))), T0);
    PodStatus later =
        PodStatusComputer.compute(
            pod, first, view(List.of(), List.of(running("a"))), T0.plusSeconds(30));
    assertThat(later).isEqualTo(first);
  }

  @Test
  void qosClasses() {
    Pod guaranteed = pod("Always");
    guaranteed
        .getSpec()
        .getContainers()
        .get(0)
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .withLimits(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("64Mi")))
                .build());
    assertThat(ResourceMapping.qosClass(guaranteed)).isEqualTo("Guaranteed");
    Pod burstable = pod("Always");
    burstable
        .getSpec()
        .getContainers()
        .get(0)
        .setResources(
            new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .withRequests(Map.of("memory", new Quantity("32Mi")))
                .build());
    assertThat(ResourceMapping.qosClass(burstable)).isEqualTo("Burstable");
    var resources = ResourceMapping.resources(guaranteed.getSpec().getContainers().get(0));
    assertThat(resources.memoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(resources.cpuShares()).isEqualTo(512L);
    assertThat(resources.cpuQuotaMicros()).isEqualTo(50_000L);
  }
}
