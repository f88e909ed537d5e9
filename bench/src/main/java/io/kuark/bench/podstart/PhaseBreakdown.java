package io.kuark.bench.podstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each pod's start time went: the benchmark's own wall-clock times (created, bound seen on
 * the watch, Running seen on the watch) joined with the agent's {@code pod-start-trace} log line of
 * the pod (informer delivery, worker start, netns, CNI, files, image, rootfs, spec, launch,
 * running, status written). Prints p50/p99 of each step over the pods of one mode.
 */
final class PhaseBreakdown {

  /** Epoch milliseconds the benchmark saw for one pod. */
  record ClientTimes(long created, long bound, long running) {}

  private final Map<String, Map<String, List<Double>>> steps = new LinkedHashMap<>();
  private final Map<String, List<Double>> workerCpu = new LinkedHashMap<>();
  private final Map<String, List<Double>> treeCpuPerPod = new LinkedHashMap<>();

  /**
   * Adds the pods of namespace {@code ns} measured in {@code mode}; pods without a trace line in
   * {@code agentLog} only contribute the client-side steps.
   */
  void add(
      String mode,
      String ns,
      Map<String, ClientTimes> pods,
      Path agentLog,
      double agentCpuPerPod,
      double serverCpuPerPod,
      double clientCpuPerPod)
      throws IOException {
    Map<String, Map<String, Long>> traces = traces(agentLog, ns);
    Map<String, List<Double>> modeSteps = steps.computeIfAbsent(mode, k -> new LinkedHashMap<>());
    for (Map.Entry<String, ClientTimes> entry : pods.entrySet()) {
      ClientTimes t = entry.getValue();
      step(modeSteps, "created -> bound (watch)", t.bound() - t.created());
      Map<String, Long> trace = traces.get(entry.getKey());
      if (trace == null) {
        step(modeSteps, "bound -> Running (watch)", t.running() - t.bound());
        continue;
      }
      long previous = trace.get("seen");
      step(modeSteps, "bound -> seen by agent", previous - t.bound());
      for (Map.Entry<String, Long> phase : trace.entrySet()) {
        String name = phase.getKey();
        if (name.equals("seen") || name.equals("workerCpuMs")) {
          continue;
        }
        step(modeSteps, "-> " + name, phase.getValue() - previous);
        previous = phase.getValue();
      }
      step(modeSteps, "status written -> Running (watch)", t.running() - previous);
      workerCpu
          .computeIfAbsent(mode, k -> new ArrayList<>())
          .add((double) trace.get("workerCpuMs"));
    }
    List<Double> cpu = treeCpuPerPod.computeIfAbsent(mode, k -> new ArrayList<>());
    cpu.add(agentCpuPerPod);
    cpu.add(serverCpuPerPod);
    cpu.add(clientCpuPerPod);
  }

  private static void step(Map<String, List<Double>> steps, String name, long millis) {
    steps.computeIfAbsent(name, k -> new ArrayList<>()).add((double) millis);
  }

  /**
   * The trace lines of namespace {@code ns}: pod name to phase to epoch millis (workerCpuMs as is);
   * a phase that repeats (several containers) keeps its last time.
   */
  static Map<String, Map<String, Long>> traces(Path agentLog, String ns) throws IOException {
    Map<String, Map<String, Long>> result = new LinkedHashMap<>();
    if (agentLog == null || !Files.exists(agentLog)) {
      return result;
    }
    String marker = "pod-start-trace " + ns + "/";
    for (String line : Files.readAllLines(agentLog)) {
      int at = line.indexOf(marker);
      if (at < 0) {
        continue;
      }
      String[] fields = line.substring(at + marker.length()).trim().split(" ");
      Map<String, Long> phases = new LinkedHashMap<>();
      long seen = 0;
      for (int i = 1; i < fields.length; i++) {
        int eq = fields[i].indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = fields[i].substring(0, eq);
        String value = fields[i].substring(eq + 1);
        if (key.equals("seen")) {
          seen = Long.parseLong(value);
          phases.put(key, seen);
        } else if (key.equals("workerCpuMs")) {
          phases.put(key, Math.round(Double.parseDouble(value)));
        } else {
          phases.remove(key); // re-insert so the order follows the last occurrence
          phases.put(key, seen + Long.parseLong(value.substring(1)));
        }
      }
      result.put(fields[0], phases);
    }
    return result;
  }

  /** A Markdown table per mode: p50 and p99 of each step, then CPU per pod. */
  void print() {
    for (Map.Entry<String, Map<String, List<Double>>> mode : steps.entrySet()) {
      System.out.println();
      System.out.println("phase breakdown, " + mode.getKey() + " (ms):");
      System.out.println();
      System.out.println("| step | p50 | p99 |");
      System.out.println("|---|---:|---:|");
      for (Map.Entry<String, List<Double>> step : mode.getValue().entrySet()) {
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %.0f |%n",
            step.getKey(),
            PodStartBench.percentile(step.getValue(), 50),
            PodStartBench.percentile(step.getValue(), 99));
      }
      List<Double> worker = workerCpu.get(mode.getKey());
      if (worker != null) {
        System.out.printf(
            Locale.ROOT,
            "| CPU: agent pod worker thread per pod | %.0f | %.0f |%n",
            PodStartBench.percentile(worker, 50),
            PodStartBench.percentile(worker, 99));
      }
      List<Double> tree = treeCpuPerPod.get(mode.getKey());
      List<String> agent = new ArrayList<>();
      List<String> server = new ArrayList<>();
      List<String> client = new ArrayList<>();
      for (int i = 0; i + 2 < tree.size(); i += 3) {
        agent.add(String.format(Locale.ROOT, "%.0f", tree.get(i)));
        server.add(String.format(Locale.ROOT, "%.0f", tree.get(i + 1)));
        client.add(String.format(Locale.ROOT, "%.0f", tree.get(i + 2)));
      }
      System.out.println();
      System.out.println(
          "CPU per pod (ms, per round; agent process tree incl. runc/CNI/shims | server JVM |"
              + " bench client JVM): "
              + String.join(", ", agent)
              + " | "
              + String.join(", ", server)
              + " | "
              + String.join(", ", client));
    }
  }
}
