package io.kuark.bench.podstart;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Pod start latency as upstream's SLI defines it (pod creation to the pod observed Running through
 * a watch, image already on the node; scheduling included): pods created one at a time (each waits
 * for the previous to run) and all at once, on the only node of the cluster a kubeconfig names.
 * Latency is measured client side, from just before the create request to the watch event that
 * first shows phase Running (creationTimestamp has one-second resolution). Also the agent's RSS
 * idle and with the pods running.
 *
 * <p>With {@code --agent-log} (the agent's log file) it also prints where the time went per pod
 * ({@link PhaseBreakdown}); with {@code --agent-pid}/{@code --server-pid} the CPU time per pod of
 * the agent's process tree and of the server.
 *
 * <p>Usage: {@code PodStartBench KUBECONFIG [--pods 30] [--image kuark.local/demo:latest]
 * [--agent-pid PID] [--server-pid PID] [--agent-log FILE] [--rounds 3]}. Works in namespaces {@code
 * bench-podstart-*} it creates and deletes.
 */
public final class PodStartBench {

  private final KubernetesClient client;
  private final String image;
  private final long agentPid;
  private final long serverPid;
  private final Path agentLog;
  private final PhaseBreakdown breakdown = new PhaseBreakdown();

  private PodStartBench(
      KubernetesClient client, String image, long agentPid, long serverPid, Path agentLog) {
    this.client = client;
    this.image = image;
    this.agentPid = agentPid;
    this.serverPid = serverPid;
    this.agentLog = agentLog;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: PodStartBench KUBECONFIG [--pods N] [--image IMAGE] [--agent-pid PID] [--rounds R]");
      System.exit(2);
    }
    int pods = 30;
    int rounds = 3;
    String image = "kuark.local/demo:latest";
    long agentPid = -1;
    long serverPid = -1;
    Path agentLog = null;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--pods" -> pods = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--image" -> image = args[i + 1];
        case "--agent-pid" -> agentPid = Long.parseLong(args[i + 1]);
        case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
        case "--agent-log" -> agentLog = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    // The machine may be loaded far beyond its two cores (fabric8's 10 s default made a run at
    // load 26 fail creating its namespace), as in BindBurstBench.
    config.setRequestTimeout(120_000);
    int exitCode = 1;
    // Over one HTTP/2 connection, as kubectl and client-go talk to the server (fabric8's own
    // HTTP/1.1 client would open a connection, and cost the server a TLS handshake, per pod
    // created at once).
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(new MultiplexedHttpClientFactory())
            .withConfig(config)
            .build()) {
      new PodStartBench(client, image, agentPid, serverPid, agentLog).run(pods, rounds);
      exitCode = 0;
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      // The client's HTTP threads would keep the JVM (and the script waiting on it) alive, also
      // when the run failed.
      System.out.flush();
      System.exit(exitCode);
    }
  }

  private void run(int pods, int rounds) throws Exception {
    List<Double> sequential = new ArrayList<>();
    List<Double> parallel = new ArrayList<>();
    List<Double> roundP99Parallel = new ArrayList<>();
    List<Double> roundP99Sequential = new ArrayList<>();
    String idleRss = "";
    String busyRss = "";
    // Warm-up: the image is on the node and the agent's code paths are loaded.
    String warm = namespace("warm");
    try {
      measure(warm, 1, false);
    } finally {
      deleteNamespace(warm);
    }
    for (int round = 0; round < rounds; round++) {
      idleRss += rss(agentPid) + " ";
      String ns = namespace("seq" + round);
      try {
        List<Double> s = measure(ns, pods, false);
        sequential.addAll(s);
        roundP99Sequential.add(percentile(s, 99));
      } finally {
        deleteNamespace(ns);
      }
      ns = namespace("par" + round);
      try {
        List<Double> p = measure(ns, pods, true);
        parallel.addAll(p);
        roundP99Parallel.add(percentile(p, 99));
        busyRss += rss(agentPid) + " ";
      } finally {
        deleteNamespace(ns);
      }
      System.err.printf(
          Locale.ROOT,
          "round %d: sequential p50 %.0f p99 %.0f ms; parallel p50 %.0f p99 %.0f ms%n",
          round + 1,
          percentile(sequential.subList(sequential.size() - pods, sequential.size()), 50),
          roundP99Sequential.get(round),
          percentile(parallel.subList(parallel.size() - pods, parallel.size()), 50),
          roundP99Parallel.get(round));
    }
    System.out.println(
        "| pods | mode | samples | p50 ms | p90 ms | p99 ms | max ms | p99 per round ms |");
    System.out.println("|---:|---|---:|---:|---:|---:|---:|---|");
    row(pods, "one at a time", sequential, roundP99Sequential);
    row(pods, "all at once", parallel, roundP99Parallel);
    System.out.println();
    System.out.println("agent RSS idle (MiB, per round): " + idleRss.trim());
    System.out.println(
        "agent RSS with " + pods + " pods running (MiB, per round): " + busyRss.trim());
    breakdown.print();
  }

  private static void row(int pods, String mode, List<Double> all, List<Double> p99s) {
    List<String> perRound = new ArrayList<>();
    for (double p : p99s) {
      perRound.add(String.format(Locale.ROOT, "%.0f", p));
    }
    System.out.printf(
        Locale.ROOT,
        "| %d | %s | %d | %.0f | %.0f | %.0f | %.0f | %s |%n",
        pods,
        mode,
        all.size(),
        percentile(all, 50),
        percentile(all, 90),
        percentile(all, 99),
        Collections.max(all),
        String.join(", ", perRound));
  }

  /** Creates {@code count} pods (all at once or one by one) and returns each one's latency (ms). */
  private List<Double> measure(String ns, int count, boolean allAtOnce) throws Exception {
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> running = new ConcurrentHashMap<>();
    // Wall-clock times, to join with the agent's trace lines.
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> boundAt = new ConcurrentHashMap<>();
    Map<String, Long> runningAt = new ConcurrentHashMap<>();
    double agentCpuBefore = ProcessCpu.treeMillis(agentPid);
    double serverCpuBefore = ProcessCpu.treeMillis(serverPid);
    // This JVM (creates, its watch, the namespace waits) shares the cores with server and agent.
    double clientCpuBefore = ProcessCpu.treeMillis(ProcessHandle.current().pid());
    Map<String, CountDownLatch> done = new ConcurrentHashMap<>();
    for (int i = 0; i < count; i++) {
      done.put("p" + i, new CountDownLatch(1));
    }
    try (Watch watch =
        client
            .pods()
            .inNamespace(ns)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    long now = System.nanoTime();
                    long wall = System.currentTimeMillis();
                    String name = pod.getMetadata().getName();
                    if (pod.getSpec().getNodeName() != null) {
                      boundAt.putIfAbsent(name, wall);
                    }
                    if (pod.getStatus() != null
                        && "Running".equals(pod.getStatus().getPhase())
                        && running.putIfAbsent(name, now) == null) {
                      runningAt.put(name, wall);
                      CountDownLatch latch = done.get(name);
                      if (latch != null) {
                        latch.countDown();
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      if (allAtOnce) {
        ExecutorService creators = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < count; i++) {
          String name = "p" + i;
          creators.submit(
              () -> {
                go.await();
                createdAt.put(name, System.currentTimeMillis());
                created.put(name, System.nanoTime());
                client.pods().inNamespace(ns).resource(pod(name)).create();
                return null;
              });
        }
        go.countDown();
        creators.shutdown();
        for (String name : done.keySet()) {
          if (!done.get(name).await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("pod " + name + " did not run within 5 minutes");
          }
        }
      } else {
        for (int i = 0; i < count; i++) {
          String name = "p" + i;
          createdAt.put(name, System.currentTimeMillis());
          created.put(name, System.nanoTime());
          client.pods().inNamespace(ns).resource(pod(name)).create();
          if (!done.get(name).await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("pod " + name + " did not run within 5 minutes");
          }
        }
      }
    }
    double agentCpu = (ProcessCpu.treeMillis(agentPid) - agentCpuBefore) / count;
    double serverCpu = (ProcessCpu.treeMillis(serverPid) - serverCpuBefore) / count;
    double clientCpu =
        (ProcessCpu.treeMillis(ProcessHandle.current().pid()) - clientCpuBefore) / count;
    List<Double> latencies = new ArrayList<>();
    Map<String, PhaseBreakdown.ClientTimes> times = new java.util.TreeMap<>();
    for (String name : created.keySet()) {
      latencies.add((running.get(name) - created.get(name)) / 1e6);
      long bound = boundAt.getOrDefault(name, runningAt.get(name));
      times.put(
          name, new PhaseBreakdown.ClientTimes(createdAt.get(name), bound, runningAt.get(name)));
    }
    if (count > 1) { // not the warm-up pod
      if (agentLog != null) {
        sleep(1000); // the agent logs a pod's trace line just after its Running status write
      }
      breakdown.add(
          allAtOnce ? "all at once" : "one at a time",
          ns,
          times,
          agentLog,
          agentCpu,
          serverCpu,
          clientCpu);
    }
    return latencies;
  }

  private Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .endContainer()
        .endSpec()
        .build();
  }

  private String namespace(String suffix) {
    String name = "bench-podstart-" + suffix + "-" + Long.toString(System.nanoTime() % 100000, 36);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    // The ServiceAccount admission needs the namespace's default ServiceAccount.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.serviceAccounts().inNamespace(name).withName("default").get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no default ServiceAccount in " + name);
      }
      sleep(100);
    }
    return name;
  }

  private void deleteNamespace(String name) {
    client.pods().inNamespace(name).delete();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!client.pods().inNamespace(name).list().getItems().isEmpty()
        && System.nanoTime() < deadline) {
      sleep(500);
    }
    client.namespaces().withName(name).delete();
  }

  private static String rss(long pid) {
    if (pid <= 0) {
      return "?";
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Long.toString(kib / 1024);
        }
      }
    } catch (Exception e) {
      return "?";
    }
    return "?";
  }

  static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
