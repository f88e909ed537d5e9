package io.kuark.agent.pod.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubelet's container GC policy over made-up dead containers. */
class DeadContainerSelectorTest {

  private static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");
  private static final Path LOGS = Path.of("/logs");

  private static DeadContainer replaced(String uid, String name, int attempt, int minutesAgo) {
    return DeadContainer.logs(
        uid,
        name,
        attempt,
        NOW.minus(Duration.ofMinutes(minutesAgo)),
        DeadContainer.Kind.REPLACED,
        LOGS);
  }

  private static List<String> describe(List<DeadContainer> containers) {
    return containers.stream().map(DeadContainer::describe).toList();
  }

  @Test
  void keepsTheNewestDeadInstancePerPodContainerAndRemovesTheRestOldestFirst() {
    List<DeadContainer> dead =
        List.of(
            replaced("p1", "web", 2, 3),
            replaced("p1", "web", 0, 9),
            replaced("p1", "web", 1, 6),
            replaced("p1", "side", 0, 8),
            replaced("p2", "web", 4, 1),
            replaced("p2", "web", 3, 7));

    List<DeadContainer> doomed =
        DeadContainerSelector.select(dead, ContainerGcPolicy.DEFAULTS, NOW);

    assertThat(describe(doomed)).containsExactly("p1/web#0", "p2/web#3", "p1/web#1");
  }

  @Test
  void theAttemptDecidesWhichIsNewestWhateverTheModificationTimes() {
    // A log file touched late (rotation) does not make an older attempt the one to keep.
    List<DeadContainer> dead = List.of(replaced("p1", "web", 5, 10), replaced("p1", "web", 4, 1));

    assertThat(describe(DeadContainerSelector.select(dead, ContainerGcPolicy.DEFAULTS, NOW)))
        .containsExactly("p1/web#4");
  }

  @Test
  void everythingOfDeletedPodsAndUntrackedRuntimeStateGoes() {
    List<DeadContainer> dead =
        List.of(
            DeadContainer.logs(
                "gone", "web", 0, NOW.minusSeconds(30), DeadContainer.Kind.OF_DELETED_POD, LOGS),
            DeadContainer.logs(
                "gone", "web", 1, NOW.minusSeconds(20), DeadContainer.Kind.OF_DELETED_POD, LOGS),
            DeadContainer.runtime(
                "gone", "web", NOW.minusSeconds(40), DeadContainer.Kind.OF_DELETED_POD, "c1"),
            DeadContainer.runtime(
                "p1", "web", NOW.minusSeconds(10), DeadContainer.Kind.UNTRACKED, "c2"),
            replaced("p1", "web", 3, 1));

    assertThat(describe(DeadContainerSelector.select(dead, ContainerGcPolicy.DEFAULTS, NOW)))
        .containsExactly("runc://c1", "gone/web#0", "gone/web#1", "runc://c2");
  }

  @Test
  void containersYoungerThanTheMinimumAgeStayAndDoNotCountAgainstTheLimit() {
    ContainerGcPolicy policy = new ContainerGcPolicy(Duration.ofMinutes(5), 1, -1);
    List<DeadContainer> dead =
        List.of(
            replaced("p1", "web", 0, 20),
            replaced("p1", "web", 1, 10),
            replaced("p1", "web", 2, 1),
            DeadContainer.logs(
                "gone", "web", 0, NOW.minusSeconds(60), DeadContainer.Kind.OF_DELETED_POD, LOGS));

    assertThat(describe(DeadContainerSelector.select(dead, policy, NOW)))
        .containsExactly("p1/web#0");
  }

  @Test
  void aNegativePerContainerLimitKeepsAllAndZeroKeepsNone() {
    List<DeadContainer> dead = List.of(replaced("p1", "web", 0, 9), replaced("p1", "web", 1, 6));

    assertThat(
            DeadContainerSelector.select(dead, new ContainerGcPolicy(Duration.ZERO, -1, -1), NOW))
        .isEmpty();
    assertThat(
            describe(
                DeadContainerSelector.select(
                    dead, new ContainerGcPolicy(Duration.ZERO, 0, -1), NOW)))
        .containsExactly("p1/web#0", "p1/web#1");
  }

  @Test
  void theNodeWideLimitTrimsEachPodContainersShareThenTheOldest() {
    ContainerGcPolicy policy = new ContainerGcPolicy(Duration.ZERO, 3, 3);
    List<DeadContainer> dead =
        List.of(
            replaced("p1", "web", 0, 30),
            replaced("p1", "web", 1, 20),
            replaced("p1", "web", 2, 10),
            replaced("p2", "db", 0, 25),
            replaced("p2", "db", 1, 5));

    // Two pod containers share 3: one each first (the newest), then nothing more to trim.
    assertThat(describe(DeadContainerSelector.select(dead, policy, NOW)))
        .containsExactly("p1/web#0", "p2/db#0", "p1/web#1");

    ContainerGcPolicy tight = new ContainerGcPolicy(Duration.ZERO, 3, 1);
    // One left on the node: each keeps its newest, then the older of those two goes too.
    assertThat(describe(DeadContainerSelector.select(dead, tight, NOW)))
        .containsExactly("p1/web#0", "p2/db#0", "p1/web#1", "p1/web#2");
  }
}
