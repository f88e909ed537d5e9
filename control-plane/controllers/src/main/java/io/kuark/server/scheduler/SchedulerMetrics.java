package io.kuark.server.scheduler;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The scheduler's metrics in Prometheus text, named as upstream's: {@code scheduler_pending_pods}
 * per queue, {@code scheduler_schedule_attempts_total} per result, {@code
 * scheduler_preemption_attempts_total} and {@code scheduler_preemption_victims_total}. Counters
 * continue across leadership terms; the gauges read the current term's queue. Thread-safe.
 */
public final class SchedulerMetrics {
  private volatile IntSupplier active = () -> 0;
  private volatile IntSupplier backoff = () -> 0;
  private volatile IntSupplier unschedulable = () -> 0;
  final LongAdder scheduled = new LongAdder();
  final LongAdder unschedulableAttempts = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder preemptions = new LongAdder();
  final LongAdder victims = new LongAdder();

  /** Reads the pending-pod gauges from {@code queue} (the current leadership term's). */
  void watch(SchedulingQueue queue) {
    active = queue::activeCount;
    backoff = queue::backoffCount;
    unschedulable = queue::unschedulableCount;
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        "# HELP scheduler_pending_pods Number of pending pods, by the queue type. 'active' means"
            + " number of pods in activeQ; 'backoff' means number of pods in backoffQ;"
            + " 'unschedulable' means number of pods in unschedulablePods.\n");
    out.append("# TYPE scheduler_pending_pods gauge\n");
    out.append("scheduler_pending_pods{queue=\"active\"} ").append(active.getAsInt()).append('\n');
    out.append("scheduler_pending_pods{queue=\"backoff\"} ")
        .append(backoff.getAsInt())
        .append('\n');
    out.append("scheduler_pending_pods{queue=\"unschedulable\"} ")
        .append(unschedulable.getAsInt())
        .append('\n');
    out.append(
        "# HELP scheduler_schedule_attempts_total Number of attempts to schedule pods, by the"
            + " result.\n");
    out.append("# TYPE scheduler_schedule_attempts_total counter\n");
    attempt(out, "scheduled", scheduled);
    attempt(out, "unschedulable", unschedulableAttempts);
    attempt(out, "error", errors);
    out.append(
        "# HELP scheduler_preemption_attempts_total Total preemption attempts in the cluster till now\n");
    out.append("# TYPE scheduler_preemption_attempts_total counter\n");
    out.append("scheduler_preemption_attempts_total ").append(preemptions.sum()).append('\n');
    out.append("# HELP scheduler_preemption_victims_total Number of selected preemption victims\n");
    out.append("# TYPE scheduler_preemption_victims_total counter\n");
    out.append("scheduler_preemption_victims_total ").append(victims.sum()).append('\n');
    return out.toString();
  }

  private static void attempt(StringBuilder out, String result, LongAdder n) {
    out.append("scheduler_schedule_attempts_total{profile=\"")
        .append(DefaultProfile.SCHEDULER_NAME)
        .append("\",result=\"")
        .append(result)
        .append("\"} ")
        .append(n.sum())
        .append('\n');
  }
}
