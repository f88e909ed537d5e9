package io.kuark.agent.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The agent's Prometheus metrics, named as upstream's kubelet names its own where the meaning is
 * the same: pod worker (sync) durations, pod start durations, runtime operations with errors and
 * durations, running pods/containers; plus process and JVM metrics. Rendered as text format 0.0.4.
 */
public final class AgentMetrics {

  /** Upstream's buckets for pod start durations (seconds). */
  static final double[] POD_START_BUCKETS = {
    0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200,
    1800, 2700, 3600
  };

  /** Upstream's runtime operation buckets: 0.005 s times powers of 2.5. */
  static final double[] RUNTIME_BUCKETS = runtimeBuckets();

  private final Histogram podWorker = new Histogram(Histogram.DEFAULT_BUCKETS);
  private final AtomicLong podSyncErrors = new AtomicLong();
  private final Histogram podStart = new Histogram(POD_START_BUCKETS);
  private final Histogram podStartSli = new Histogram(POD_START_BUCKETS);
  private final Map<String, Histogram> runtimeDurations = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> runtimeErrors = new ConcurrentHashMap<>();
  private volatile IntSupplier runningPods = () -> 0;
  private volatile IntSupplier runningContainers = () -> 0;

  /** One pod sync (a pod worker pass) took {@code seconds}; {@code failed} when it threw. */
  public void podSynced(double seconds, boolean failed) {
    podWorker.observe(seconds);
    if (failed) {
      podSyncErrors.incrementAndGet();
    }
  }

  /**
   * A pod reached Running: {@code sinceSeen} seconds after the agent first saw it, {@code
   * sinceCreated} after its creation in the API (upstream's pod start SLI with images present).
   */
  public void podStarted(double sinceSeen, double sinceCreated) {
    podStart.observe(sinceSeen);
    podStartSli.observe(sinceCreated);
  }

  /** One runtime operation (start, stop, exec, ...) finished after {@code seconds}. */
  public void runtimeOperation(String operation, double seconds, boolean failed) {
    runtimeDurations
        .computeIfAbsent(operation, k -> new Histogram(RUNTIME_BUCKETS))
        .observe(seconds);
    if (failed) {
      runtimeErrors.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Where the running pod and container gauges come from. */
  public void gauges(IntSupplier pods, IntSupplier containers) {
    this.runningPods = pods;
    this.runningContainers = containers;
  }

  long podStarts() {
    return podStart.count();
  }

  /** The whole exposition. */
  public String render() {
    StringBuilder out = new StringBuilder(8192);
    help(out, "kubelet_pod_worker_duration_seconds", "Duration of one pod sync.", "histogram");
    podWorker.write(out, "kubelet_pod_worker_duration_seconds", "operation_type=\"sync\"");
    help(out, "kuark_agent_pod_sync_errors_total", "Pod syncs that failed.", "counter");
    out.append("kuark_agent_pod_sync_errors_total ").append(podSyncErrors.get()).append('\n');
    help(
        out,
        "kubelet_pod_start_duration_seconds",
        "Duration from the agent seeing a pod to it running.",
        "histogram");
    podStart.write(out, "kubelet_pod_start_duration_seconds", "");
    help(
        out,
        "kubelet_pod_start_sli_duration_seconds",
        "Duration from pod creation to running (images already present).",
        "histogram");
    podStartSli.write(out, "kubelet_pod_start_sli_duration_seconds", "");
    Map<String, Histogram> durations = new TreeMap<>(runtimeDurations);
    help(out, "kubelet_runtime_operations_total", "Runtime operations by type.", "counter");
    durations.forEach(
        (op, h) ->
            out.append("kubelet_runtime_operations_total{operation_type=\"")
                .append(op)
                .append("\"} ")
                .append(h.count())
                .append('\n'));
    help(out, "kubelet_runtime_operations_errors_total", "Failed runtime operations.", "counter");
    new TreeMap<>(runtimeErrors)
        .forEach(
            (op, n) ->
                out.append("kubelet_runtime_operations_errors_total{operation_type=\"")
                    .append(op)
                    .append("\"} ")
                    .append(n.get())
                    .append('\n'));
    help(
        out,
        "kubelet_runtime_operations_duration_seconds",
        "Duration of runtime operations.",
        "histogram");
    durations.forEach(
        (op, h) ->
            h.write(
                out,
                "kubelet_runtime_operations_duration_seconds",
                "operation_type=\"" + op + "\""));
    help(out, "kubelet_running_pods", "Pods with a running sandbox.", "gauge");
    out.append("kubelet_running_pods ").append(runningPods.getAsInt()).append('\n');
    help(out, "kubelet_running_containers", "Containers by state.", "gauge");
    out.append("kubelet_running_containers{container_state=\"running\"} ")
        .append(runningContainers.getAsInt())
        .append('\n');
    process(out);
    return out.toString();
  }

  private static void process(StringBuilder out) {
    help(out, "process_start_time_seconds", "Start time of the process (epoch).", "gauge");
    out.append("process_start_time_seconds ")
        .append(Histogram.format(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0))
        .append('\n');
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      help(out, "process_cpu_seconds_total", "CPU time of the process.", "counter");
      out.append("process_cpu_seconds_total ")
          .append(Histogram.format(os.getProcessCpuTime() / 1e9))
          .append('\n');
    }
    long[] memory = statusMemory();
    if (memory != null) {
      help(out, "process_resident_memory_bytes", "Resident set size.", "gauge");
      out.append("process_resident_memory_bytes ").append(memory[0]).append('\n');
      help(out, "process_virtual_memory_bytes", "Virtual memory size.", "gauge");
      out.append("process_virtual_memory_bytes ").append(memory[1]).append('\n');
    }
    help(out, "process_open_fds", "Open file descriptors.", "gauge");
    out.append("process_open_fds ").append(openFds()).append('\n');
    MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    help(out, "jvm_memory_used_bytes", "JVM memory in use by area.", "gauge");
    MemoryUsage h = heap.getHeapMemoryUsage();
    MemoryUsage nh = heap.getNonHeapMemoryUsage();
    out.append("jvm_memory_used_bytes{area=\"heap\"} ").append(h.getUsed()).append('\n');
    out.append("jvm_memory_used_bytes{area=\"nonheap\"} ").append(nh.getUsed()).append('\n');
    help(out, "jvm_memory_committed_bytes", "JVM memory committed by area.", "gauge");
    out.append("jvm_memory_committed_bytes{area=\"heap\"} ").append(h.getCommitted()).append('\n');
    out.append("jvm_memory_committed_bytes{area=\"nonheap\"} ")
        .append(nh.getCommitted())
        .append('\n');
    help(out, "jvm_threads_current", "Live JVM threads.", "gauge");
    out.append("jvm_threads_current ")
        .append(ManagementFactory.getThreadMXBean().getThreadCount())
        .append('\n');
    long gcCount = 0;
    long gcMillis = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    help(out, "jvm_gc_collection_seconds", "Garbage collections and their time.", "summary");
    out.append("jvm_gc_collection_seconds_count ").append(gcCount).append('\n');
    out.append("jvm_gc_collection_seconds_sum ")
        .append(Histogram.format(gcMillis / 1000.0))
        .append('\n');
  }

  /** VmRSS and VmSize of this process in bytes, or null off Linux. */
  static long[] statusMemory() {
    try {
      long rss = -1;
      long size = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmSize:")) {
          size = kib(line);
        }
      }
      return rss < 0 || size < 0 ? null : new long[] {rss, size};
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static long kib(String line) {
    String[] parts = line.trim().split("\\s+");
    return Long.parseLong(parts[1]) * 1024;
  }

  private static long openFds() {
    try (var list = Files.list(Path.of("/proc/self/fd"))) {
      return list.count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static void help(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static double[] runtimeBuckets() {
    double[] b = new double[14];
    double v = 0.005;
    for (int i = 0; i < b.length; i++) {
      b[i] = v;
      v *= 2.5;
    }
    return b;
  }
}
