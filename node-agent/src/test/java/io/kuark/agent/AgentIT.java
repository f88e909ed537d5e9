package io.kuark.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.testing.DemoImage;
import io.kuark.agent.testing.MockApi;
import io.kuark.agent.testing.TestNetwork;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole agent against fabric8's mock API server (CRUD mode): a pod bound to the node runs the
 * demo image with runc in its own netns on a test bridge, its status flows back, its web server
 * answers on the pod IP, and deleting the pod releases everything.
 */
class AgentIT {

  private MockApi api;
  private KubernetesClient client;

  private Path dir;
  private TestNetwork network;
  private String[] args;
  private AgentConfig config;
  private Agent agent;

  @BeforeEach
  void setUp() throws Exception {
    api = new MockApi();
    client = api.client();
    dir = Files.createTempDirectory("kuark-agent-it");
    network = new TestNetwork(dir);
    String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    args =
        new String[] {
          "--kubeconfig",
          dir.resolve("unused").toString(),
          "--node-name",
          node,
          "--node-ip",
          "127.0.0.1",
          "--data-dir",
          dir.resolve("data").toString(),
          "--run-dir",
          dir.resolve("run").toString(),
          "--pod-log-dir",
          dir.resolve("logs").toString(),
          "--cni-conf-dir",
          network.confDir.toString(),
          "--cni-bin-dir",
          "/usr/lib/cni",
          "--cluster-cidr",
          TestNetwork.CLUSTER_CIDR,
          "--service-cidr",
          TestNetwork.SERVICE_CIDR,
          "--cgroup-parent",
          "kuark-it-" + node,
          "--dns-link",
          "kuark-itdns",
          "--dns-remove-link",
          "--proxy-table",
          "kuark-proxy-" + node,
          "--proxy-cleanup",
          "--proxy-localhost-nodeports",
          "false",
          "--port",
          "0"
        };
    config = AgentFlags.parse(args);
    Files.createDirectories(config.imageDropDir());
    Files.copy(DemoImage.archive(), config.imageDropDir().resolve("demo.tar"));
    agent = new Agent(config, Agent.linuxKernel());
    agent.start(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (network != null) {
      network.close();
    }
    api.close();
    for (String controller :
        new String[] {
          "memory", "cpu", "cpuacct", "pids", "devices", "freezer", "blkio", "cpuset", "systemd",
          "unified"
        }) {
      Files.deleteIfExists(Path.of("/sys/fs/cgroup", controller, config.cgroupParent()));
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Waits for the pod to match; on timeout fails with the pod as the API has it. */
  private void awaitPod(String name, java.util.function.Predicate<Pod> condition) {
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> condition.test(client.pods().inNamespace("default").withName(name).get()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "pod never matched: "
              + io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                  client.pods().inNamespace("default").withName(name).get()),
          e);
    }
  }

  @Test
  void registersTheNodeAndInstallsSafetyRoutes() throws Exception {
    Node node = client.nodes().withName(config.nodeName()).get();
    assertThat(node).isNotNull();
    assertThat(node.getStatus().getConditions())
        .anyMatch(
            c ->
                c.getType().equals("Ready")
                    && c.getStatus().equals("True")
                    && c.getReason().equals("KubeletReady"));
    assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).startsWith("runc://");
    assertThat(node.getStatus().getAddresses())
        .anyMatch(a -> a.getType().equals("InternalIP") && a.getAddress().equals("127.0.0.1"));
    // --port 0: the agent API got an ephemeral port, and the Node reports the one it is bound to.
    int apiPort = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
    assertThat(apiPort).isPositive().isNotEqualTo(10250);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", apiPort)) {
      assertThat(socket.isConnected()).isTrue();
    }
    assertThat(node.getStatus().getCapacity())
        .containsKeys("cpu", "memory", "pods", "ephemeral-storage");
    assertThat(client.leases().inNamespace("kube-node-lease").withName(config.nodeName()).get())
        .isNotNull();
    try (Netlink netlink = Linux.get().netlink()) {
      assertThat(netlink.routes(2))
          .anyMatch(
              r ->
                  r.type() == Route.TYPE_BLACKHOLE
                      && r.prefixLength() == 16
                      && "10.211.0.0".equals(r.destination().getHostAddress()));
      // The service CIDR: the blackhole as fallback behind a route into the DNS link, so the
      // host's own connections to ClusterIPs get a route (issue 7).
      int dnsLink = netlink.requireLink("kuark-itdns").index();
      assertThat(netlink.routes(2))
          .filteredOn(r -> "10.212.0.0".equals(hostAddress(r)) && r.prefixLength() == 16)
          .extracting(r -> r.type() + "/" + r.metric() + "/" + r.linkIndex())
          .containsExactlyInAnyOrder(
              Route.TYPE_BLACKHOLE + "/1000/0", Route.TYPE_UNICAST + "/0/" + dnsLink);
    }
  }

  private static String hostAddress(Route route) {
    return route.destination() == null ? null : route.destination().getHostAddress();
  }

  @Test
  void runsAPodServesHttpOnItsIpAndCleansUpOnDelete() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("demo")
            .withNamespace("default")
            .withUid(UUID.randomUUID().toString())
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addNewContainer()
            .withName("web")
            .withImage("kuark.local/demo:latest")
            .endContainer()
            .withTerminationGracePeriodSeconds(2L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    String uid = client.pods().inNamespace("default").withName("demo").get().getMetadata().getUid();

    awaitPod(
        "demo",
        p -> {
          return p.getStatus() != null
              && "Running".equals(p.getStatus().getPhase())
              && p.getStatus().getPodIP() != null
              && p.getStatus().getContainerStatuses().get(0).getReady();
        });
    Pod running = client.pods().inNamespace("default").withName("demo").get();
    String podIp = running.getStatus().getPodIP();
    assertThat(podIp).startsWith(network.subnet.substring(0, network.subnet.lastIndexOf('.')));
    ContainerStatus status = running.getStatus().getContainerStatuses().get(0);
    assertThat(status.getContainerID()).startsWith("runc://");
    assertThat(status.getImageID()).startsWith("kuark.local/demo@sha256:");
    assertThat(status.getState().getRunning()).isNotNull();
    assertThat(status.getRestartCount()).isZero();
    assertThat(running.getStatus().getQosClass()).isEqualTo("BestEffort");
    assertThat(running.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    assertThat(running.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .contains(
            "Ready=True",
            "ContainersReady=True",
            "Initialized=True",
            "PodReadyToStartContainers=True",
            "PodScheduled=True");

    // The container really serves: TCP connect and an HTTP GET from the host into the pod network.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(podIp, 80), 5000);
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + podIp + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Hello from Kuark");
    Path netns = config.netnsDir().resolve(uid);
    assertThat(Linux.get().namespaces().isNetns(netns)).isTrue();

    client.pods().inNamespace("default").withName("demo").delete();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !Files.exists(netns)
                    && !Files.exists(config.agentDir().resolve("pods").resolve(uid)));
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(dir.toString());
    try (Stream<Path> bundles = Files.list(config.agentDir().resolve("containers"))) {
      assertThat(bundles.toList()).isEmpty();
    }
    // host-local released the address.
    try (Stream<Path> reservations = Files.walk(network.ipamDir)) {
      assertThat(reservations.map(p -> p.getFileName().toString())).doesNotContain(podIp);
    }
    assertThat(Files.exists(Path.of("/sys/fs/cgroup/memory", config.cgroupParent(), "pod" + uid)))
        .isFalse();
  }

  @Test
  void restartsACrashingContainerWithBackoff() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("crash")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addNewContainer()
            .withName("c")
            .withImage("kuark.local/demo:latest")
            .withCommand("sh", "-c", "echo started; exit 3")
            .endContainer()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod(
        "crash",
        p -> {
          if (p.getStatus() == null
              || p.getStatus().getContainerStatuses() == null
              || p.getStatus().getContainerStatuses().isEmpty()) {
            return false;
          }
          ContainerStatus s = p.getStatus().getContainerStatuses().get(0);
          return s.getRestartCount() >= 1
              && s.getState().getWaiting() != null
              && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason());
        });
    Pod p = client.pods().inNamespace("default").withName("crash").get();
    ContainerStatus s = p.getStatus().getContainerStatuses().get(0);
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    String uid = p.getMetadata().getUid();
    Path log =
        config
            .podLogDir()
            .resolve("default_crash_" + uid)
            .resolve("c")
            .resolve(s.getRestartCount() + ".log");
    assertThat(Files.readAllLines(log)).anyMatch(l -> l.endsWith(" stdout F started"));

    client.pods().inNamespace("default").withName("crash").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !Files.exists(config.agentDir().resolve("pods").resolve(uid)));
  }

  @Test
  void anAgentRestartReadoptsRunningPodsWithoutRestartingThem() throws Exception {
    // The first agent keeps its pods when it stops, like an agent upgrade or a crash.
    agent.close();
    String[] keepArgs = java.util.Arrays.copyOf(args, args.length + 1);
    keepArgs[args.length] = "--keep-pods";
    agent = new Agent(AgentFlags.parse(keepArgs), Agent.linuxKernel());
    agent.start(client);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("steady")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addToVolumes(podNameVolume())
            .addNewContainer()
            .withName("web")
            .withImage("kuark.local/demo:latest")
            .addNewVolumeMount()
            .withName("info")
            .withMountPath("/info")
            .endVolumeMount()
            .endContainer()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod("steady", p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    Pod before = client.pods().inNamespace("default").withName("steady").get();
    String containerId = before.getStatus().getContainerStatuses().get(0).getContainerID();
    String podIp = before.getStatus().getPodIP();
    Path info = config.agentDir().resolve("pods").resolve(before.getMetadata().getUid());
    List<String> tmpfs = mountsBelow(info);
    assertThat(tmpfs).hasSize(1).allMatch(m -> m.endsWith(" volumes/info tmpfs"));

    agent.close();
    agent = new Agent(config, Agent.linuxKernel());
    agent.start(client);

    // Give the new agent several sync rounds; nothing may restart and the server keeps answering.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> true);
    Pod after = client.pods().inNamespace("default").withName("steady").get();
    ContainerStatus status = after.getStatus().getContainerStatuses().get(0);
    assertThat(status.getContainerID()).isEqualTo(containerId);
    assertThat(status.getRestartCount()).isZero();
    assertThat(status.getState().getRunning()).isNotNull();
    assertThat(after.getStatus().getPodIP()).isEqualTo(podIp);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(podIp, 80), 5000);
    }
    // The downward API volume's tmpfs was adopted (the same mount), not mounted again.
    assertThat(mountsBelow(info)).isEqualTo(tmpfs);

    String uid = after.getMetadata().getUid();
    client.pods().inNamespace("default").withName("steady").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !Files.exists(config.agentDir().resolve("pods").resolve(uid)));
    assertThat(mountsBelow(dir)).isEmpty();
  }

  @Test
  void aPodDeletedWhileTheAgentWasDownLosesItsTmpfsVolumes() throws Exception {
    agent.close();
    String[] keepArgs = java.util.Arrays.copyOf(args, args.length + 1);
    keepArgs[args.length] = "--keep-pods";
    AgentConfig keep = AgentFlags.parse(keepArgs);
    agent = new Agent(keep, Agent.linuxKernel());
    agent.start(client);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("gone")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addToVolumes(podNameVolume())
            .addNewContainer()
            .withName("c")
            .withImage("kuark.local/demo:latest")
            .withCommand("sh", "-c", "cat /info/name; sleep 600")
            .addNewVolumeMount()
            .withName("info")
            .withMountPath("/info")
            .endVolumeMount()
            .endContainer()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod("gone", p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    String uid = client.pods().inNamespace("default").withName("gone").get().getMetadata().getUid();
    Path podDir = config.agentDir().resolve("pods").resolve(uid);
    assertThat(mountsBelow(podDir)).hasSize(1).allMatch(m -> m.endsWith(" volumes/info tmpfs"));

    agent.close(); // keeps the pod running
    client.pods().inNamespace("default").withName("gone").withGracePeriod(0).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.pods().inNamespace("default").withName("gone").get() == null);
    agent = new Agent(config, Agent.linuxKernel());
    agent.start(client);

    await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(podDir));
    assertThat(mountsBelow(dir)).isEmpty();
  }

  /** "id point type" of every mount at or below {@code root}, the point relative to it. */
  private static List<String> mountsBelow(Path root) throws java.io.IOException {
    List<String> found = new java.util.ArrayList<>();
    String prefix = root.toRealPath().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      String type = line.substring(line.indexOf(" - ") + 3).split(" ")[0];
      if (fields[4].equals(prefix) || fields[4].startsWith(prefix + "/")) {
        found.add(fields[0] + " " + Path.of(prefix).relativize(Path.of(fields[4])) + " " + type);
      }
    }
    return found;
  }

  @Test
  void probesDecideReadinessAndLivenessRestarts() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("probed")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addNewContainer()
            .withName("good")
            .withImage("kuark.local/demo:latest")
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/index.html")
            .withNewPort(80)
            .endHttpGet()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .endContainer()
            .addNewContainer()
            .withName("bad")
            .withImage("kuark.local/demo:latest")
            .withCommand("httpd", "-f", "-p", "8080", "-h", "/www")
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/nope")
            .withNewPort(8080)
            .endHttpGet()
            .withPeriodSeconds(1)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewExec()
            .withCommand("sh", "-c", "exit 1")
            .endExec()
            .withPeriodSeconds(1)
            .withFailureThreshold(1)
            .endLivenessProbe()
            .endContainer()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod(
        "probed",
        p -> {
          if (p.getStatus() == null
              || p.getStatus().getContainerStatuses() == null
              || p.getStatus().getContainerStatuses().size() < 2) {
            return false;
          }
          ContainerStatus good = p.getStatus().getContainerStatuses().get(0);
          ContainerStatus bad = p.getStatus().getContainerStatuses().get(1);
          return Boolean.TRUE.equals(good.getReady()) && bad.getRestartCount() >= 1;
        });
    Pod p = client.pods().inNamespace("default").withName("probed").get();
    assertThat(p.getStatus().getContainerStatuses().get(1).getReady()).isFalse();
    assertThat(p.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));
    assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
    String uid = p.getMetadata().getUid();
    client.pods().inNamespace("default").withName("probed").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !Files.exists(config.agentDir().resolve("pods").resolve(uid)));
  }

  @Test
  void aContainerOverItsMemoryLimitIsReportedOomKilled() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("hog")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .withRestartPolicy("OnFailure")
            .addNewContainer()
            .withName("c")
            .withImage("kuark.local/demo:latest")
            .withCommand("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1")
            .withNewResources()
            .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("16Mi"))
            .endResources()
            .endContainer()
            .withTerminationGracePeriodSeconds(1L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod(
        "hog",
        p -> {
          if (p.getStatus() == null
              || p.getStatus().getContainerStatuses() == null
              || p.getStatus().getContainerStatuses().isEmpty()) {
            return false;
          }
          ContainerStatus s = p.getStatus().getContainerStatuses().get(0);
          return s.getRestartCount() >= 1 && s.getLastState().getTerminated() != null;
        });
    ContainerStatus s =
        client
            .pods()
            .inNamespace("default")
            .withName("hog")
            .get()
            .getStatus()
            .getContainerStatuses()
            .get(0);
    assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(137);
    client.pods().inNamespace("default").withName("hog").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace("default").withName("hog").get() == null);
  }

  private Pod mirror(String name) {
    return client.pods().inNamespace("default").withName(name).get();
  }

  private static boolean runningWithContainer(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getContainerStatuses() != null
        && !pod.getStatus().getContainerStatuses().isEmpty()
        && pod.getStatus().getContainerStatuses().get(0).getContainerID() != null;
  }

  @Test
  void staticPodsRunFromTheManifestsDirectoryWithMirrorPods() throws Exception {
    String name = "static-web-" + config.nodeName();
    Path manifest = config.node().podManifestPath().resolve("web.yaml");
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: static-web
          labels: {app: web}
        spec:
          containers:
          - name: c
            image: kuark.local/demo:latest
            command: ["sleep", "1000"]
          terminationGracePeriodSeconds: 1
        """;
    Files.writeString(manifest, yaml);
    awaitPod(name, AgentIT::runningWithContainer);
    Pod first = mirror(name);
    String hash = first.getMetadata().getAnnotations().get("kubernetes.io/config.hash");
    assertThat(first.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.mirror", hash)
        .containsEntry("kubernetes.io/config.source", "file");
    assertThat(first.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Node");
              assertThat(o.getName()).isEqualTo(config.nodeName());
              assertThat(o.getUid())
                  .isEqualTo(
                      client.nodes().withName(config.nodeName()).get().getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(first.getMetadata().getUid()).isNotEqualTo(hash);
    assertThat(Files.exists(config.agentDir().resolve("pods").resolve(hash))).isTrue();
    String containerId = first.getStatus().getContainerStatuses().get(0).getContainerID();

    // A deleted mirror pod comes back; the static pod itself keeps running untouched.
    client.pods().inNamespace("default").withName(name).withGracePeriod(0).delete();
    awaitPod(
        name,
        p ->
            runningWithContainer(p)
                && !p.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertThat(mirror(name).getStatus().getContainerStatuses().get(0).getContainerID())
        .isEqualTo(containerId);

    // A changed manifest is a new pod: the old one is stopped, the mirror replaced.
    Files.writeString(manifest, yaml.replace("sleep\", \"1000", "sleep\", \"2000"));
    awaitPod(
        name,
        p ->
            runningWithContainer(p)
                && !hash.equals(p.getMetadata().getAnnotations().get("kubernetes.io/config.hash")));
    String newHash = mirror(name).getMetadata().getAnnotations().get("kubernetes.io/config.hash");
    assertThat(mirror(name).getStatus().getContainerStatuses().get(0).getContainerID())
        .isNotEqualTo(containerId);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !Files.exists(config.agentDir().resolve("pods").resolve(hash)));

    // Removing the file stops the pod and deletes its mirror.
    Files.delete(manifest);
    await().atMost(Duration.ofSeconds(60)).until(() -> mirror(name) == null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !Files.exists(config.agentDir().resolve("pods").resolve(newHash)));
  }

  @Test
  void aCrossedMemoryThresholdSetsMemoryPressureAndEvictsABestEffortPod() throws Exception {
    // Restart the agent with a threshold this host is always below (more than any host has).
    agent.close();
    String[] pressureArgs = java.util.Arrays.copyOf(args, args.length + 6);
    pressureArgs[args.length] = "--eviction-hard=memory.available<1000Ti";
    pressureArgs[args.length + 1] = "--housekeeping-interval=1s";
    pressureArgs[args.length + 2] = "--eviction-pressure-transition-period";
    pressureArgs[args.length + 3] = "30s";
    pressureArgs[args.length + 4] = "--pod-manifest-path";
    pressureArgs[args.length + 5] = dir.resolve("manifests").toString();
    agent = new Agent(AgentFlags.parse(pressureArgs), Agent.linuxKernel());
    agent.start(client);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("besteffort")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName(config.nodeName())
            .addNewContainer()
            .withName("c")
            .withImage("kuark.local/demo:latest")
            .withCommand("sleep", "1000")
            .endContainer()
            .withTerminationGracePeriodSeconds(30L)
            .endSpec()
            .build();
    client.pods().inNamespace("default").resource(pod).create();
    awaitPod("besteffort", p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()));
    Pod failed = client.pods().inNamespace("default").withName("besteffort").get();
    assertThat(failed.getStatus().getReason()).isEqualTo("Evicted");
    assertThat(failed.getStatus().getMessage())
        .startsWith(
            "The node was low on resource: memory. Threshold quantity: 1000Ti, available: ");
    assertThat(failed.getStatus().getConditions())
        .anyMatch(
            c ->
                c.getType().equals("DisruptionTarget")
                    && c.getReason().equals("TerminationByKubelet"));
    // Evicted pods stay in the API, their containers are gone and nothing restarts them.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              ContainerStatus s =
                  client
                      .pods()
                      .inNamespace("default")
                      .withName("besteffort")
                      .get()
                      .getStatus()
                      .getContainerStatuses()
                      .get(0);
              return s.getState().getTerminated() != null;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Node node = client.nodes().withName(config.nodeName()).get();
              return node.getStatus().getConditions().stream()
                  .anyMatch(
                      c -> c.getType().equals("MemoryPressure") && c.getStatus().equals("True"));
            });
    client.pods().inNamespace("default").withName("besteffort").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace("default").withName("besteffort").get() == null);
  }

  /**
   * A downwardAPI volume "info" with the pod's name in file {@code name}: a tmpfs the agent mounts,
   * so a test can follow the mount across restarts and deletions.
   */
  private static Volume podNameVolume() {
    return new VolumeBuilder()
        .withName("info")
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("name")
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .build();
  }
}
