package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * Upstream's three-part scheduling queue. {@code active}: pods ready to be tried, highest priority
 * then oldest first. {@code backoff}: pods that failed and wait out 1 s doubling to 10 s. {@code
 * unschedulable}: pods no node fits; they move back when the cluster changes ({@link
 * #moveAllToActiveOrBackoff}) or after five minutes. A pod is in at most one part.
 */
public final class SchedulingQueue {
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_UNSCHEDULABLE = Duration.ofMinutes(5);

  private final LongSupplier clock;
  private final PriorityQueue<QueuedPod> active =
      new PriorityQueue<>(
          Comparator.comparingInt(QueuedPod::priority)
              .reversed()
              .thenComparingLong(q -> q.enqueuedNanos));
  private final PriorityQueue<QueuedPod> backoff =
      new PriorityQueue<>(Comparator.comparingLong(q -> q.backoffUntilNanos));
  private final Map<String, QueuedPod> unschedulable = new HashMap<>();
  private final Map<String, Long> unschedulableSince = new HashMap<>();

  /** Every queued or in-flight pod by key, to find and dedupe. */
  private final Map<String, QueuedPod> all = new HashMap<>();

  private long moveCount;
  private boolean closed;

  public SchedulingQueue(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** Adds a new pending pod, or refreshes the object of one already queued. */
  public synchronized void add(Pod pod) {
    String key = key(pod);
    QueuedPod q = all.get(key);
    if (q != null) {
      q.pod = pod;
      if (unschedulable.remove(key) != null) {
        // The pod itself changed: it may fit now.
        unschedulableSince.remove(key);
        requeue(q);
      }
      return;
    }
    q = new QueuedPod(pod, clock.getAsLong());
    all.put(key, q);
    active.add(q);
    notifyAll();
  }

  /** Forgets a pod that was deleted or bound elsewhere. */
  public synchronized void delete(Pod pod) {
    String key = key(pod);
    QueuedPod q = all.remove(key);
    if (q != null) {
      active.remove(q);
      backoff.remove(q);
      unschedulable.remove(key);
      unschedulableSince.remove(key);
    }
  }

  /** Blocks for the next pod to schedule; empty after {@link #close}. */
  public synchronized Optional<QueuedPod> pop() throws InterruptedException {
    while (true) {
      if (closed) {
        return Optional.empty();
      }
      flushBackoff();
      QueuedPod q = active.poll();
      if (q != null) {
        q.attempts++;
        q.cycleMoveCount = moveCount;
        return Optional.of(q);
      }
      QueuedPod next = backoff.peek();
      long waitNanos =
          next == null
              ? 1_000_000_000L
              : Math.max(1_000_000L, next.backoffUntilNanos - clock.getAsLong());
      wait(Math.max(1, waitNanos / 1_000_000L));
    }
  }

  /** The pod was bound: drop it. */
  public synchronized void done(QueuedPod q) {
    all.remove(q.key());
  }

  /**
   * No node fits {@code q}. If the cluster changed while it was being tried, it goes to backoff
   * (the change may help); otherwise it waits among the unschedulable pods.
   */
  public synchronized void addUnschedulable(QueuedPod q) {
    if (!all.containsKey(q.key())) {
      return;
    }
    q.backoffUntilNanos = clock.getAsLong() + backoffFor(q.attempts).toNanos();
    if (moveCount > q.cycleMoveCount) {
      backoff.add(q);
      notifyAll();
    } else {
      unschedulable.put(q.key(), q);
      unschedulableSince.put(q.key(), clock.getAsLong());
    }
  }

  /** Scheduling failed for another reason (error, binding failure): retry after backoff. */
  public synchronized void addBackoff(QueuedPod q) {
    if (!all.containsKey(q.key())) {
      return;
    }
    q.backoffUntilNanos = clock.getAsLong() + backoffFor(q.attempts).toNanos();
    backoff.add(q);
    notifyAll();
  }

  /** The cluster changed in a way that may help any waiting pod. */
  public synchronized void moveAllToActiveOrBackoff() {
    moveCount++;
    for (QueuedPod q : unschedulable.values()) {
      requeue(q);
    }
    unschedulable.clear();
    unschedulableSince.clear();
    notifyAll();
  }

  /**
   * {@code event} happened: the waiting pods it may help (by the plugins that rejected them) go
   * back to active, or to backoff while their backoff lasts. A pod being tried right now goes to
   * backoff instead of waiting when its attempt fails (see {@link #addUnschedulable}).
   */
  synchronized void onClusterEvent(ClusterEvent event) {
    moveCount++;
    List<String> moved = new ArrayList<>();
    for (Map.Entry<String, QueuedPod> e : unschedulable.entrySet()) {
      if (event.mayHelp(e.getValue().rejectedBy)) {
        moved.add(e.getKey());
      }
    }
    for (String key : moved) {
      requeue(unschedulable.remove(key));
      unschedulableSince.remove(key);
    }
  }

  /** Periodic housekeeping: pods unschedulable for five minutes get another try. */
  public synchronized void flushUnschedulableLeftovers() {
    long now = clock.getAsLong();
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Long> e : unschedulableSince.entrySet()) {
      if (now - e.getValue() > MAX_UNSCHEDULABLE.toNanos()) {
        expired.add(e.getKey());
      }
    }
    for (String key : expired) {
      QueuedPod q = unschedulable.remove(key);
      unschedulableSince.remove(key);
      if (q != null) {
        requeue(q);
      }
    }
    if (!expired.isEmpty()) {
      notifyAll();
    }
  }

  private void requeue(QueuedPod q) {
    if (q.backoffUntilNanos > clock.getAsLong()) {
      backoff.add(q);
    } else {
      active.add(q);
    }
    notifyAll();
  }

  private void flushBackoff() {
    long now = clock.getAsLong();
    while (!backoff.isEmpty() && backoff.peek().backoffUntilNanos <= now) {
      active.add(backoff.poll());
    }
  }

  static Duration backoffFor(int attempts) {
    Duration d = INITIAL_BACKOFF;
    for (int i = 1; i < attempts && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  public synchronized int activeCount() {
    return active.size();
  }

  public synchronized int backoffCount() {
    return backoff.size();
  }

  public synchronized int unschedulableCount() {
    return unschedulable.size();
  }

  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
