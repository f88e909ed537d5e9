package io.kuark.agent.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kuark.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Thresholds, pressure conditions with their transition period, ranking and messages. */
class EvictionManagerTest {

  private static final long MI = 1L << 20;

  private final Map<String, Observation> observed = new HashMap<>();
  private final List<Candidate> candidates = new ArrayList<>();
  private final List<String> evicted = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  private final List<Set<String>> reported = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

  private NodeReclaimer reclaimer = NodeReclaimer.NONE;
  private final List<String> reclaimedFor = new ArrayList<>();

  private EvictionManager manager(String thresholds) {
    PodEvictor pods =
        new PodEvictor() {
          @Override
          public List<Candidate> candidates() {
            return List.copyOf(candidates);
          }

          @Override
          public void evict(Candidate candidate, String message) {
            evicted.add(candidate.pod().getMetadata().getName());
            messages.add(message);
            candidates.remove(candidate);
          }
        };
    return new EvictionManager(
        new EvictionManager.Settings(
            Threshold.parseList(thresholds), Duration.ofMinutes(5), Duration.ofSeconds(10)),
        () -> Map.copyOf(observed),
        pods,
        reported::add,
        signal -> {
          reclaimedFor.add(signal);
          return reclaimer.reclaim(signal);
        },
        clock);
  }

  private static Pod pod(String name, String memoryRequest, Integer priority) {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withPriority(priority)
            .addNewContainer()
            .withName("c")
            .withNewResources()
            .endResources()
            .endContainer()
            .endSpec();
    Pod pod = builder.build();
    if (memoryRequest != null) {
      pod.getSpec()
          .getContainers()
          .get(0)
          .getResources()
          .setRequests(Map.of("memory", new Quantity(memoryRequest)));
    }
    return pod;
  }

  @Test
  void underMemoryPressurePodsOverTheirRequestsGoFirstThenByPriorityAndUsage() {
    EvictionManager manager = manager("memory.available<100Mi");
    candidates.add(new Candidate(pod("guaranteed-within", "500Mi", 0), 400 * MI, 0, 1));
    candidates.add(new Candidate(pod("burstable-over", "10Mi", 0), 50 * MI, 0, 1));
    candidates.add(new Candidate(pod("besteffort-small", null, 0), 5 * MI, 0, 1));
    candidates.add(new Candidate(pod("besteffort-big", null, 0), 80 * MI, 0, 1));
    candidates.add(new Candidate(pod("besteffort-important", null, 1000), 900 * MI, 0, 1));
    observed.put("memory.available", new Observation(60 * MI, 4096 * MI));

    for (int i = 0; i < 5; i++) {
      manager.synchronize();
    }
    assertThat(evicted)
        .containsExactly(
            "besteffort-big",
            "burstable-over",
            "besteffort-small",
            "besteffort-important",
            "guaranteed-within");
    assertThat(messages.get(0))
        .isEqualTo(
            "The node was low on resource: memory. Threshold quantity: 100Mi, available: 60Mi. ");
    assertThat(reported).containsExactly(Set.of("MemoryPressure"));
  }

  @Test
  void nothingIsEvictedBelowThresholdsAndPressureOutlivesTheCrossingByTheTransitionPeriod() {
    EvictionManager manager = manager("nodefs.available<10%,pid.available<100");
    candidates.add(new Candidate(pod("a", null, 0), MI, 10 * MI, 1));
    observed.put("nodefs.available", new Observation(50, 100));
    observed.put("pid.available", new Observation(5000, 32768));
    assertThat(manager.synchronize()).isNull();
    assertThat(reported).containsExactly(Set.of());

    observed.put("nodefs.available", new Observation(5, 100));
    assertThat(manager.synchronize()).isEqualTo("default/a");
    assertThat(messages.get(0)).startsWith("The node was low on resource: ephemeral-storage.");
    observed.put("nodefs.available", new Observation(50, 100));
    clock.advance(Duration.ofMinutes(4));
    manager.synchronize();
    assertThat(reported.get(reported.size() - 1)).isEqualTo(Set.of("DiskPressure"));
    clock.advance(Duration.ofMinutes(2));
    manager.synchronize();
    assertThat(reported.get(reported.size() - 1)).isEqualTo(Set.of());

    observed.put("pid.available", new Observation(10, 32768));
    manager.synchronize();
    assertThat(reported.get(reported.size() - 1)).isEqualTo(Set.of("PIDPressure"));
  }

  @Test
  void thresholdsParseAsKubeletTakesThemAndBadOnesSayWhy() {
    assertThat(Threshold.parseList(Threshold.DEFAULTS)).hasSize(4);
    Threshold memory = Threshold.parseList("memory.available<1Gi").get(0);
    assertThat(memory.value(0)).isEqualTo(1L << 30);
    Threshold disk = Threshold.parseList("nodefs.available<10%").get(0);
    assertThat(disk.crossed(9, 100)).isTrue();
    assertThat(disk.crossed(10, 100)).isFalse();
    assertThatThrownBy(() -> Threshold.parseList("memory.free<1Gi"))
        .hasMessageContaining("unknown eviction signal \"memory.free\"");
    assertThatThrownBy(() -> Threshold.parseList("memory.available>1Gi"))
        .hasMessageContaining("is not of the form signal<value");
    assertThatThrownBy(() -> Threshold.parseList("nodefs.available<120%"))
        .hasMessageContaining("within 0%..100%");
    assertThatThrownBy(() -> Threshold.parseList("memory.available<lots"))
        .hasMessageContaining("is not a quantity");
  }

  @Test
  void diskPressureReclaimsNodeResourcesFirstAndEvictsOnlyWhenThatIsNotEnough() {
    EvictionManager manager = manager("imagefs.available<15%,nodefs.inodesFree<5%");
    candidates.add(new Candidate(pod("a", null, 0), MI, 10 * MI, 1));
    candidates.add(new Candidate(pod("b", null, 0), MI, 20 * MI, 1));
    observed.put("imagefs.available", new Observation(10, 100));
    // Deleting unused images brings imagefs back over its threshold: nobody is evicted.
    reclaimer =
        signal -> {
          observed.put("imagefs.available", new Observation(40, 100));
          return 30;
        };
    assertThat(manager.synchronize()).isNull();
    assertThat(reclaimedFor).containsExactly("imagefs.available");
    assertThat(evicted).isEmpty();
    assertThat(reported.get(reported.size() - 1)).isEqualTo(Set.of("DiskPressure"));

    // Not enough to reclaim: the pod using most disk is evicted after reclaim was tried.
    observed.put("imagefs.available", new Observation(10, 100));
    reclaimer =
        signal -> {
          observed.put("imagefs.available", new Observation(12, 100));
          return 2;
        };
    assertThat(manager.synchronize()).isEqualTo("default/b");
    assertThat(reclaimedFor).hasSize(2);

    // Inodes are a disk signal too; the message names inodes and plain counts.
    observed.put("imagefs.available", new Observation(90, 100));
    observed.put("nodefs.inodesFree", new Observation(400, 10_000));
    reclaimer = NodeReclaimer.NONE;
    assertThat(manager.synchronize()).isEqualTo("default/a");
    assertThat(reclaimedFor).last().isEqualTo("nodefs.inodesFree");
    assertThat(messages.get(messages.size() - 1))
        .isEqualTo(
            "The node was low on resource: inodes. Threshold quantity: 500, available: 400. ");
  }

  @Test
  void memoryPressureDoesNotReclaimImages() {
    EvictionManager manager = manager("memory.available<100Mi");
    candidates.add(new Candidate(pod("a", null, 0), MI, 0, 1));
    observed.put("memory.available", new Observation(10 * MI, 1000 * MI));
    assertThat(manager.synchronize()).isEqualTo("default/a");
    assertThat(reclaimedFor).isEmpty();
  }
}
