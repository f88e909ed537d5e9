package io.kuark.bench.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.kuark.server.scheduler.DefaultProfile;
import io.kuark.server.scheduler.QueuedPod;
import io.kuark.server.scheduler.SchedulerCache;
import io.kuark.server.scheduler.SchedulingCycle;
import io.kuark.server.scheduler.SchedulingOutcomes;
import io.kuark.server.scheduler.SchedulingQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Schedules N pods over M fake nodes through the scheduler core (queue, cache, default plugin
 * profile, scheduling cycle) in-process, with an in-memory binder. Prints pods/s and the p50/p99 of
 * the per-pod latency from entering the queue to bound (all pods are queued at once, so this is
 * dominated by waiting behind earlier pods) and of one scheduling attempt (pop → bound).
 *
 * <p>Usage: {@code java -cp ... io.kuark.bench.scheduler.SchedulerBench [pods=1000] [nodes=100]
 * [runs=5]}
 */
public final class SchedulerBench {

  private SchedulerBench() {}

  public static void main(String[] args) {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.printf(
        "scheduler bench: %d pods over %d nodes, %d runs (after 2 warm-up runs)%n",
        pods, nodes, runs);
    for (int i = 0; i < 2; i++) {
      run(pods, nodes);
    }
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Result r = run(pods, nodes);
      results.add(r);
      System.out.printf(
          "run %d: %.0f pods/s, queue→bound p50 %.2f ms p99 %.2f ms, attempt p50 %.3f ms p99 %.3f ms%n",
          i + 1, r.podsPerSecond, r.e2eP50Ms, r.e2eP99Ms, r.attemptP50Ms, r.attemptP99Ms);
    }
    results.sort((a, b) -> Double.compare(a.podsPerSecond, b.podsPerSecond));
    Result median = results.get(results.size() / 2);
    System.out.printf(
        "median run: %.0f pods/s, queue→bound p99 %.2f ms, attempt p99 %.3f ms%n",
        median.podsPerSecond, median.e2eP99Ms, median.attemptP99Ms);
  }

  record Result(
      double podsPerSecond,
      double e2eP50Ms,
      double e2eP99Ms,
      double attemptP50Ms,
      double attemptP99Ms) {}

  static Result run(int podCount, int nodeCount) {
    SchedulerCache cache = new SchedulerCache();
    Random random = new Random(42);
    for (int i = 0; i < nodeCount; i++) {
      // A tenth of the nodes are tainted and a few are small, so filters do real work.
      Taint[] taints =
          i % 10 == 0
              ? new Taint[] {new Taint("NoSchedule", "dedicated", null, "infra")}
              : new Taint[0];
      cache.upsertNode(
          node("node-" + i, i % 7 == 0 ? "2" : "8", i % 7 == 0 ? "4Gi" : "32Gi", taints));
    }
    SchedulingQueue queue = new SchedulingQueue(System::nanoTime);
    Map<String, Pod> store = new HashMap<>();
    Map<String, Long> enqueuedAt = new HashMap<>();
    long[] e2e = new long[podCount];
    long[] attempts = new long[podCount];
    AtomicInteger bound = new AtomicInteger();
    SchedulingOutcomes outcomes =
        new SchedulingOutcomes() {
          @Override
          public void scheduled(Pod pod, String node, long latencyNanos) {
            int i = bound.getAndIncrement();
            attempts[i] = latencyNanos;
            e2e[i] = System.nanoTime() - enqueuedAt.get(pod.getMetadata().getName());
          }

          @Override
          public void unschedulable(Pod pod, String message) {
            throw new IllegalStateException("unexpectedly unschedulable: " + message);
          }

          @Override
          public void failed(Pod pod, String message) {
            throw new IllegalStateException(message);
          }
        };
    SchedulingCycle cycle =
        new SchedulingCycle(
            cache,
            queue,
            DefaultProfile.create(random),
            (pod, node) -> {
              // The in-memory "API": binding is setting nodeName; the informer would confirm it.
              pod.getSpec().setNodeName(node);
              synchronized (cache) {
                cache.addBoundPod(pod);
              }
            },
            Runnable::run,
            outcomes,
            store::get);
    // Pod objects are built before the clock starts: building them is the test's cost, not the
    // scheduler's.
    List<Pod> created = new ArrayList<>(podCount);
    for (int i = 0; i < podCount; i++) {
      Pod p = pod("pod-" + i, (100 + (i % 5) * 50) + "m", (64 + (i % 4) * 64) + "Mi");
      store.put("default/" + p.getMetadata().getName(), p);
      created.add(p);
    }
    long start = System.nanoTime();
    for (Pod p : created) {
      enqueuedAt.put(p.getMetadata().getName(), System.nanoTime());
      queue.add(p);
    }
    try {
      while (bound.get() < podCount) {
        Optional<QueuedPod> q = queue.pop();
        cycle.run(q.orElseThrow());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    long elapsed = System.nanoTime() - start;
    Arrays.sort(e2e);
    Arrays.sort(attempts);
    return new Result(
        podCount / (elapsed / 1e9),
        pct(e2e, 50) / 1e6,
        pct(e2e, 99) / 1e6,
        pct(attempts, 50) / 1e6,
        pct(attempts, 99) / 1e6);
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static Node node(String name, String cpu, String memory, Taint... taints) {
    Map<String, Quantity> alloc =
        Map.of(
            "cpu", new Quantity(cpu), "memory", new Quantity(memory), "pods", new Quantity("110"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("kubernetes.io/hostname", name))
        .endMetadata()
        .withNewSpec()
        .withTaints(taints)
        .endSpec()
        .withNewStatus()
        .withAllocatable(alloc)
        .withCapacity(alloc)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static Pod pod(String name, String cpu, String memory) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid(UUID.randomUUID().toString())
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("kuark.local/demo:latest")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }
}
