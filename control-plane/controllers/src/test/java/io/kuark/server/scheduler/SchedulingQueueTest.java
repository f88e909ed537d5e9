package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
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
