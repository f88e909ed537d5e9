package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SchedulingQueue queue = new SchedulingQueue(now::get);

  @Test
  void higherPriorityFirstThenOldest() throws Exception {
    Pod low = Fixtures.pod("low", null, null);
    Pod high = Fixtures.pod("high", null, null);
    high.getSpec().setPriority(1000);
    Pod low2 = Fixtures.pod("low2", null, null);
    queue.add(low);
    now.addAndGet(1);
    queue.add(high);
    now.addAndGet(1);
    queue.add(low2);
    assertThat(queue.pop().orElseThrow().pod.getMetadata().getName()).isEqualTo("high");
    assertThat(queue.pop().orElseThrow().pod.getMetadata().getName()).isEqualTo("low");
    assertThat(queue.pop().orElseThrow().pod.getMetadata().getName()).isEqualTo("low2");
  }

  @Test
  void unschedulablePodsWaitForAClusterChange() throws Exception {
    queue.add(Fixtures.pod("p", null, null));
    QueuedPod q = queue.pop().orElseThrow();
    queue.addUnschedulable(q);
    assertThat(queue.unschedulableCount()).isEqualTo(1);
    assertThat(queue.activeCount()).isZero();
    queue.moveAllToActiveOrBackoff();
    // Still backing off (1 s after the first attempt): it waits in backoff, not active.
    assertThat(queue.backoffCount()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(queue.pop().orElseThrow().key()).isEqualTo("default/p");
  }

  @Test
  void aChangeDuringTheAttemptSendsThePodToBackoffInsteadOfUnschedulable() throws Exception {
    queue.add(Fixtures.pod("p", null, null));
    QueuedPod q = queue.pop().orElseThrow();
    queue.moveAllToActiveOrBackoff();
    queue.addUnschedulable(q);
    assertThat(queue.unschedulableCount()).isZero();
    assertThat(queue.backoffCount()).isEqualTo(1);
  }

  private QueuedPod parkUnschedulable(String name, Set<String> rejectedBy) throws Exception {
    queue.add(Fixtures.pod(name, null, null));
    QueuedPod q = queue.pop().orElseThrow();
    q.rejectedBy = rejectedBy;
    queue.addUnschedulable(q);
    return q;
  }

  @Test
  void aClusterEventMovesOnlyThePodsItMayHelp() throws Exception {
    parkUnschedulable("too-big", Set.of("NodeResourcesFit"));
    parkUnschedulable("needs-a-neighbour", Set.of("InterPodAffinity", "NodeResourcesFit"));
    parkUnschedulable("prefilter-rejected", Set.of());
    assertThat(queue.unschedulableCount()).isEqualTo(3);

    // A newly bound pod cannot free resources, but may be the neighbour an affinity waits for.
    queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_ADD);
    assertThat(queue.unschedulableCount()).isEqualTo(1);
    assertThat(queue.backoffCount()).isEqualTo(2);
    queue.onClusterEvent(ClusterEvent.VOLUME_CHANGE);
    assertThat(queue.unschedulableCount()).isEqualTo(1);

    // A deleted pod frees its resources.
    queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
    assertThat(queue.unschedulableCount()).isZero();
    assertThat(queue.backoffCount()).isEqualTo(3);
  }

  @Test
  void namespaceLabelChangesMoveAffinityRejectedPods() throws Exception {
    parkUnschedulable("cross-namespace", Set.of("InterPodAffinity"));
    parkUnschedulable("tainted-out", Set.of("TaintToleration"));
    queue.onClusterEvent(ClusterEvent.NAMESPACE_LABELS);
    assertThat(queue.unschedulableCount()).isEqualTo(1);
    queue.onClusterEvent(ClusterEvent.NODE_UPDATE);
    assertThat(queue.unschedulableCount()).isZero();
  }

  @Test
  void addingTheSamePodTwiceQueuesItOnce() {
    Pod p = Fixtures.pod("p", null, null);
    queue.add(p);
    queue.add(p);
    assertThat(queue.activeCount()).isEqualTo(1);
    queue.delete(p);
    assertThat(queue.activeCount()).isZero();
  }

  @Test
  void backoffDoublesFromOneToTenSeconds() {
    assertThat(SchedulingQueue.backoffFor(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(SchedulingQueue.backoffFor(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(SchedulingQueue.backoffFor(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(SchedulingQueue.backoffFor(9)).isEqualTo(Duration.ofSeconds(10));
  }
}
