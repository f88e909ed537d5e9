package io.kuark.bench.scheduler;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's share of pod start in isolation: N pods created at once (one thread each, as
 * {@code PodStartBench} does) against a running kuark-server with one fake Ready node (its Lease
 * renewed by this program, no kubelet), measured client side from just before the create request to
 * the watch event that first shows {@code spec.nodeName}. Also the create request's own latency and
 * the server's CPU time per pod (with {@code --server-pid}).
 *
 * <p>Usage: {@code BindBurstBench KUBECONFIG [--pods 30] [--rounds 5] [--server-pid PID]}. Works in
 * namespaces {@code bench-bindburst-*} and on node {@code bench-burst-node}, which it creates and
 * deletes.
 */
public final class BindBurstBench {
  private static final String NODE = "bench-burst-node";

  private final KubernetesClient client;
  private final long serverPid;

  private BindBurstBench(KubernetesClient client, long serverPid) {
    this.client = client;
    this.serverPid = serverPid;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: BindBurstBench KUBECONFIG [--pods N] [--rounds R] [--server-pid P]");
      System.exit(2);
    }
    int pods = 30;
    int rounds = 5;
    long serverPid = -1;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--pods" -> pods = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--server-pid" -> serverPid = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Config config = Config.fromKubeconfig(Files.readString(Path.of(args[0])));
    config.setRequestTimeout(120_000); // the machine may be loaded far beyond its two cores
    int exitCode = 1;
    // Over one HTTP/2 connection, as PodStartBench and kubectl talk to the server: fabric8's own
    // HTTP/1.1 client opened a connection per pod created at once, and the server's TLS handshakes
    // for them were a fifth of its CPU in a burst.
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(new MultiplexedHttpClientFactory())
            .withConfig(config)
            .build()) {
      new BindBurstBench(client, serverPid).run(pods, rounds);
      exitCode = 0;
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      System.out.flush();
      System.exit(exitCode); // the client's HTTP threads would keep the JVM alive
    }
  }

  private void run(int pods, int rounds) throws Exception {
    ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
    registerNode();
    heartbeat.scheduleAtFixedRate(this::renewLease, 0, 5, TimeUnit.SECONDS);
    try {
      measureRound("warm", 5); // loads the code paths of create, schedule and bind
      System.out.println(
          "| round | pods | created->bound p50 ms | p99 ms | max ms | create call p50 ms | p99 ms"
              + " | create returned->bound p50 ms | p99 ms | server CPU ms/pod | bench client CPU ms/pod"
              + " | loadavg |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
      List<Double> allBound = new ArrayList<>();
      List<Double> allCreate = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        double cpuBefore = cpuMillis(serverPid);
        double clientCpuBefore = cpuMillis(ProcessHandle.current().pid());
        Result res = measureRound("r" + r, pods);
        double cpu = (cpuMillis(serverPid) - cpuBefore) / pods;
        // This JVM shares the cores with the server: its own CPU per pod is the harness's share.
        double clientCpu = (cpuMillis(ProcessHandle.current().pid()) - clientCpuBefore) / pods;
        allBound.addAll(res.bound);
        allCreate.addAll(res.create);
        System.out.printf(
            Locale.ROOT,
            "| %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %s |%n",
            r,
            pods,
            percentile(res.bound, 50),
            percentile(res.bound, 99),
            Collections.max(res.bound),
            percentile(res.create, 50),
            percentile(res.create, 99),
            percentile(res.afterCreate, 50),
            percentile(res.afterCreate, 99),
            cpu,
            clientCpu,
            load.substring(0, load.indexOf(' ', load.indexOf(' ', load.indexOf(' ') + 1) + 1)));
      }
      System.out.printf(
          Locale.ROOT,
          "all rounds: created->bound p50 %.0f p99 %.0f ms; create call p50 %.0f p99 %.0f ms%n",
          percentile(allBound, 50),
          percentile(allBound, 99),
          percentile(allCreate, 50),
          percentile(allCreate, 99));
    } finally {
      heartbeat.shutdownNow();
      client.nodes().withName(NODE).delete();
      client.leases().inNamespace("kube-node-lease").withName(NODE).delete();
    }
  }

  /** Per pod, ms: created (request sent) to bound; the create call; create returned to bound. */
  private record Result(List<Double> bound, List<Double> create, List<Double> afterCreate) {}

  private Result measureRound(String suffix, int count) throws Exception {
    String ns = "bench-bindburst-" + suffix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    // The ServiceAccount admission needs the namespace's default ServiceAccount.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.serviceAccounts().inNamespace(ns).withName("default").get() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no default ServiceAccount in " + ns);
      }
      Thread.sleep(50);
    }
    Map<String, Long> started = new ConcurrentHashMap<>();
    Map<String, Long> createReturned = new ConcurrentHashMap<>();
    Map<String, Long> bound = new ConcurrentHashMap<>();
    CountDownLatch allBound = new CountDownLatch(count);
    ExecutorService creators = Executors.newFixedThreadPool(count);
    List<java.util.concurrent.Future<?>> creates = new ArrayList<>();
    try (Watch watch =
        client
            .pods()
            .inNamespace(ns)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    long now = System.nanoTime();
                    String nodeName = pod.getSpec().getNodeName();
                    if (nodeName != null
                        && !nodeName.isEmpty()
                        && bound.putIfAbsent(pod.getMetadata().getName(), now) == null) {
                      allBound.countDown();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < count; i++) {
        String name = "p" + i;
        creates.add(
            creators.submit(
                () -> {
                  go.await();
                  started.put(name, System.nanoTime());
                  client.pods().inNamespace(ns).resource(pod(name)).create();
                  createReturned.put(name, System.nanoTime());
                  return null;
                }));
      }
      go.countDown();
      for (java.util.concurrent.Future<?> f : creates) {
        f.get(); // a failed create fails the run instead of waiting for a pod that never comes
      }
      if (!allBound.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "only " + bound.size() + " of " + count + " pods bound within 5 minutes");
      }
    } finally {
      creators.shutdownNow();
      // No kubelet runs the pods: remove them at once, then their namespace.
      client.pods().inNamespace(ns).withGracePeriod(0).delete();
      client.namespaces().withName(ns).delete();
    }
    List<Double> boundMs = new ArrayList<>();
    List<Double> createMs = new ArrayList<>();
    List<Double> afterMs = new ArrayList<>();
    for (String name : started.keySet()) {
      long returned = createReturned.getOrDefault(name, bound.get(name));
      boundMs.add((bound.get(name) - started.get(name)) / 1e6);
      createMs.add((returned - started.get(name)) / 1e6);
      afterMs.add(Math.max(0, bound.get(name) - returned) / 1e6);
    }
    return new Result(boundMs, createMs, afterMs);
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app", "bindburst")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("kuark.local/demo:latest")
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("16Mi"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private void registerNode() {
    client.nodes().withName(NODE).delete();
    Node node =
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(NODE)
                    .addToLabels("kubernetes.io/hostname", NODE)
                    .endMetadata()
                    .build())
            .create();
    String now =
        DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    node.setStatus(
        new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
            .addToAllocatable("cpu", new Quantity("64"))
            .addToAllocatable("memory", new Quantity("256Gi"))
            .addToAllocatable("pods", new Quantity("1000"))
            .addToCapacity("cpu", new Quantity("64"))
            .addToCapacity("memory", new Quantity("256Gi"))
            .addToCapacity("pods", new Quantity("1000"))
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .build());
    // The node controllers (ipam, lifecycle) may change the new node first: retry on a conflict
    // with the current object.
    io.fabric8.kubernetes.api.model.NodeStatus status = node.getStatus();
    for (int attempt = 0; ; attempt++) {
      try {
        client.nodes().resource(node).updateStatus();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
        node = client.nodes().withName(NODE).get();
        node.setStatus(status);
      }
    }
  }

  /** Keeps the fake node alive for the node lifecycle controller. */
  private void renewLease() {
    String now =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            ZonedDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
    try {
      Lease lease = client.leases().inNamespace("kube-node-lease").withName(NODE).get();
      if (lease == null) {
        client
            .leases()
            .inNamespace("kube-node-lease")
            .resource(
                new LeaseBuilder()
                    .withNewMetadata()
                    .withName(NODE)
                    .withNamespace("kube-node-lease")
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity(NODE)
                    .withLeaseDurationSeconds(40)
                    .withRenewTime(ZonedDateTime.parse(now))
                    .endSpec()
                    .build())
            .create();
      } else {
        lease.getSpec().setRenewTime(ZonedDateTime.parse(now));
        client.leases().inNamespace("kube-node-lease").resource(lease).update();
      }
    } catch (RuntimeException e) {
      System.err.println("lease renewal: " + e);
    }
  }

  private static double cpuMillis(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String text = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // USER_HZ 100
    } catch (Exception e) {
      return 0;
    }
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
