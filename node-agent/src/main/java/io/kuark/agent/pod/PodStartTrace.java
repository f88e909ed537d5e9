package io.kuark.agent.pod;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Where the time of one pod start goes on the node: wall-clock marks per phase (informer delivery,
 * sandbox, CNI, image, rootfs, runtime, status write) and the CPU time the pod's worker thread
 * spent, logged as one {@code pod-start-trace} line when the pod's first Running status is written.
 * The pod start benchmark reads these lines from the agent log and joins them with the times it
 * sees itself (created, bound, Running observed).
 *
 * <p>Marks are taken by the pod's worker thread only (plus the creation mark by the informer
 * thread, before the worker exists), so the trace needs no locking. A pod re-adopted after an agent
 * restart gets no trace.
 */
final class PodStartTrace {

  private static final Logger LOG = Logger.getLogger(PodStartTrace.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final String pod;
  private final long seenMillis;
  private final List<String> phases = new ArrayList<>();
  private final List<Long> at = new ArrayList<>();
  private long cpuStartNanos = -1;
  private boolean done;

  /** A trace starting now, when the informer delivered pod {@code namespace/name}. */
  PodStartTrace(String namespace, String name) {
    this.pod = namespace + "/" + name;
    this.seenMillis = System.currentTimeMillis();
  }

  /** A trace that records nothing (a pod re-adopted or cleaned up after an agent restart). */
  static PodStartTrace none() {
    PodStartTrace trace = new PodStartTrace("", "");
    trace.done = true;
    return trace;
  }

  /** Records that {@code phase} ended now; the first mark also starts the worker's CPU clock. */
  void mark(String phase) {
    if (done) {
      return;
    }
    if (cpuStartNanos < 0) {
      cpuStartNanos = threadCpuNanos();
    }
    phases.add(phase);
    at.add(System.currentTimeMillis());
  }

  /** Ends the trace with the final mark {@code phase} and logs it; later calls do nothing. */
  void finish(String phase) {
    if (done) {
      return;
    }
    mark(phase);
    done = true;
    LOG.info(line());
  }

  boolean done() {
    return done;
  }

  /**
   * {@code pod-start-trace ns/name seen=<epoch ms> phase=+ms ... workerCpuMs=N}: each phase as
   * milliseconds after the informer delivered the pod.
   */
  String line() {
    StringBuilder out = new StringBuilder("pod-start-trace ").append(pod);
    out.append(" seen=").append(seenMillis);
    for (int i = 0; i < phases.size(); i++) {
      out.append(' ').append(phases.get(i)).append("=+").append(at.get(i) - seenMillis);
    }
    long cpu = cpuStartNanos < 0 ? 0 : threadCpuNanos() - cpuStartNanos;
    out.append(String.format(Locale.ROOT, " workerCpuMs=%.1f", cpu / 1e6));
    return out.toString();
  }

  private static long threadCpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
  }
}
