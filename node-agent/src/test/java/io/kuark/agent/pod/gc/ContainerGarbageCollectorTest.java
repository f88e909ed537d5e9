package io.kuark.agent.pod.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.kuark.agent.eviction.NodeReclaimer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GC rounds over a fake node: what is removed, failures as ContainerGCFailed events, reclaim. */
class ContainerGarbageCollectorTest {

  private static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");
  private static final ObjectReference NODE =
      new ObjectReferenceBuilder().withKind("Node").withName("n1").withUid("n1").build();

  /** Dead containers in memory; removing one takes it away (or fails for chosen ones). */
  private static final class FakeNode implements DeadContainers {
    final List<DeadContainer> dead = new ArrayList<>();
    final List<String> failing = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    @Override
    public List<DeadContainer> list() {
      return List.copyOf(dead);
    }

    @Override
    public long remove(DeadContainer container) throws IOException {
      if (failing.contains(container.describe())) {
        throw new IOException("device or resource busy");
      }
      dead.remove(container);
      removed.add(container.describe());
      return 100;
    }
  }

  private final FakeNode node = new FakeNode();
  private final List<String> events = new ArrayList<>();
  private final ContainerGarbageCollector gc =
      new ContainerGarbageCollector(
          node,
          ContainerGcPolicy.DEFAULTS,
          (about, type, reason, message) ->
              events.add(about.getName() + " " + type + " " + reason + ": " + message),
          NODE,
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static DeadContainer attempt(int attempt, int secondsAgo) {
    return DeadContainer.logs(
        "p1",
        "web",
        attempt,
        NOW.minusSeconds(secondsAgo),
        DeadContainer.Kind.REPLACED,
        Path.of("/logs"));
  }

  @Test
  void aRoundRemovesAllButTheNewestDeadInstanceAndASecondRoundHasNothingLeft() throws Exception {
    node.dead.addAll(List.of(attempt(0, 300), attempt(1, 200), attempt(2, 100)));

    ContainerGarbageCollector.Result result = gc.garbageCollect();

    assertThat(result.removed()).containsExactly("p1/web#0", "p1/web#1");
    assertThat(result.bytesFreed()).isEqualTo(200);
    assertThat(node.dead).containsExactly(attempt(2, 100));
    assertThat(gc.garbageCollect().removed()).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void aFailedRemovalDoesNotStopTheRoundAndIsReportedOnTheNode() {
    node.dead.addAll(
        List.of(
            DeadContainer.runtime(
                "gone", "web", NOW.minusSeconds(50), DeadContainer.Kind.OF_DELETED_POD, "c1"),
            DeadContainer.runtime(
                "gone", "db", NOW.minusSeconds(40), DeadContainer.Kind.OF_DELETED_POD, "c2")));
    node.failing.add("runc://c1");

    ContainerGarbageCollector.Result result = gc.collectAndReport();

    assertThat(node.removed).containsExactly("runc://c2");
    assertThat(result.failures()).containsExactly("runc://c1: device or resource busy");
    assertThat(events)
        .containsExactly(
            "n1 Warning ContainerGCFailed: failed to remove dead containers: runc://c1: device or"
                + " resource busy");
  }

  @Test
  void aListingErrorIsReportedAndRemovesNothing() {
    ContainerGarbageCollector broken =
        new ContainerGarbageCollector(
            new DeadContainers() {
              @Override
              public List<DeadContainer> list() throws IOException {
                throw new IOException("permission denied");
              }

              @Override
              public long remove(DeadContainer dead) {
                throw new AssertionError("nothing listed, nothing removed");
              }
            },
            ContainerGcPolicy.DEFAULTS,
            (about, type, reason, message) -> events.add(reason + ": " + message),
            NODE,
            Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(broken.collectAndReport().removed()).isEmpty();
    assertThat(events)
        .containsExactly("ContainerGCFailed: failed to list dead containers: permission denied");
  }

  @Test
  void diskPressureReclaimRunsARoundBeforeImagesForNodeAndImageFileSystemSignals() {
    node.dead.addAll(List.of(attempt(0, 300), attempt(1, 200)));
    List<String> order = new ArrayList<>();
    NodeReclaimer reclaim =
        NodeReclaimer.inOrder(
            signal -> {
              order.add("containers");
              return new ContainerReclaimer(gc).reclaim(signal);
            },
            signal -> {
              order.add("images");
              return 1000;
            });

    assertThat(new ContainerReclaimer(gc).reclaim("memory.available")).isZero();
    assertThat(node.removed).isEmpty();
    assertThat(reclaim.reclaim("nodefs.available")).isEqualTo(1100);
    assertThat(order).containsExactly("containers", "images");
    assertThat(node.removed).containsExactly("p1/web#0");
    assertThat(new ContainerReclaimer(gc).reclaim("imagefs.available")).isZero();
  }
}
