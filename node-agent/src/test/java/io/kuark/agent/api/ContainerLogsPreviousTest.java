package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which attempt's log {@code kubectl logs --previous} reads: the run in the container's lastState,
 * which container GC keeps even after it removed the older ones.
 */
class ContainerLogsPreviousTest {

  @TempDir Path dir;

  private ContainerLogs logs() {
    return new ContainerLogs((ns, name) -> Optional.empty(), null, dir, Clock.systemUTC());
  }

  private Path attempts(int... numbers) throws IOException {
    Path container = Files.createDirectories(dir.resolve("ns_web_u1").resolve("app"));
    for (int n : numbers) {
      Files.writeString(container.resolve(n + ".log"), "");
    }
    return container;
  }

  private static Pod pod(int restartCount, String waitingReason, boolean running) {
    ContainerStatusBuilder status =
        new ContainerStatusBuilder()
            .withName("app")
            .withRestartCount(restartCount)
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(1)
            .endTerminated()
            .endLastState();
    if (running) {
      status.withNewState().withNewRunning().endRunning().endState();
    } else {
      status.withNewState().withNewWaiting().withReason(waitingReason).endWaiting().endState();
    }
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("web")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withContainerStatuses(status.build())
        .endStatus()
        .build();
  }

  @Test
  void whileRunningThePreviousIsTheAttemptBeforeTheCurrentOne() throws Exception {
    // Container GC kept only attempt 2 of the dead ones; 3 runs.
    Path container = attempts(2, 3);

    assertThat(logs().logFile(pod(3, null, true), "app", true))
        .isEqualTo(container.resolve("2.log"));
    assertThat(logs().logFile(pod(3, null, true), "app", false))
        .isEqualTo(container.resolve("3.log"));
  }

  @Test
  void inCrashLoopBackOffThePreviousIsTheRunThatJustEnded() throws Exception {
    // Attempt 3 ended and waits for its back-off; GC removed 2 (it keeps the newest dead one).
    Path container = attempts(3);

    assertThat(logs().logFile(pod(3, "CrashLoopBackOff", false), "app", true))
        .isEqualTo(container.resolve("3.log"));
  }

  @Test
  void whileARestartIsBeingCreatedThePreviousIsTheEndedRunNotTheNewAttempt() throws Exception {
    Path container = attempts(3, 4);

    assertThat(logs().logFile(pod(4, "ContainerCreating", false), "app", true))
        .isEqualTo(container.resolve("3.log"));
  }

  @Test
  void withoutTheEndedRunsLogThereIsNoPreviousContainer() throws Exception {
    attempts(4);

    assertThatThrownBy(() -> logs().logFile(pod(4, null, true), "app", true))
        .hasMessage("previous terminated container \"app\" in pod \"web\" not found");
  }
}
