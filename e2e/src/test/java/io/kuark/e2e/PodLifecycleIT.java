package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's pod lifecycle as a user sees it with real kubectl on a single-node cluster, with the
 * image pulled from a real {@code docker-registry} on loopback: a Deployment of three replicas runs
 * with distinct pod IPs the host reaches, survives {@code kill -9} of the agent untouched, and a
 * deleted pod gives back its containers, netns, cgroups, mounts and IP; a crashing container backs
 * off longer each time; a container over its memory limit is OOMKilled; readiness gates the
 * Service's endpoints and a failing liveness probe restarts the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodLifecycleIT {
  private static final String CLUSTER_CIDR = "10.221.0.0/16";
  private static final String SERVICE_CIDR = "10.222.0.0/16";
  private static final Duration POD_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SingleNodeCluster cluster;
  private KuarkProcesses.Agent agent;
  private Kubectl kubectl;
  private String image;

  @BeforeAll
  void startClusterAndRegistry() throws Exception {
    cluster =
        SingleNodeCluster.start(getClass().getSimpleName(), CLUSTER_CIDR, SERVICE_CIDR, List.of());
    agent = cluster.agent;
    kubectl = cluster.kubectl;
    String registry = cluster.processes.startRegistry();
    Path archive = cluster.processes.newDir("image").resolve("web.oci.tar");
    HostCommands.exec(cluster.processes.repo().demoImageScript().toString(), archive.toString());
    HostCommands.exec(
        "skopeo",
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        "oci-archive:" + archive,
        "docker://" + registry + "/e2e/web:1");
    image = registry + "/e2e/web:1";
  }

  @AfterAll
  void stopEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void registryDeploymentSurvivesAnAgentKillAndAPodDeleteReleasesEverything() throws Exception {
    kubectl.ok("create", "namespace", "web");
    // As `kubectl create deployment web --image=… --replicas=3`, with a short grace period: busybox
    // httpd as PID 1 ignores SIGTERM, and the test need not wait 30 s for each stop.
    kubectl.runWithStdin(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: web, labels: {app: web}}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: web
                image: %s
        """
            .formatted(image),
        "apply",
        "-f",
        "-");
    List<JsonNode> pods =
        awaitState(
            "3 Running web pods with IPs",
            () -> {
              List<JsonNode> running = new ArrayList<>();
              for (JsonNode pod : items("pods", "-n", "web", "-l", "app=web")) {
                if (pod.path("status").path("phase").asText().equals("Running")
                    && !pod.path("status").path("podIP").asText().isEmpty()
                    && pod.at("/status/containerStatuses/0/ready").asBoolean()) {
                  running.add(pod);
                }
              }
              return running.size() == 3 ? running : null;
            });
    Map<String, String> containerIds = new HashMap<>();
    Set<String> ips = new LinkedHashSet<>();
    for (JsonNode pod : pods) {
      String ip = pod.at("/status/podIP").asText();
      ips.add(ip);
      containerIds.put(
          pod.at("/metadata/name").asText(),
          pod.at("/status/containerStatuses/0/containerID").asText());
      // Pulled from the registry, by digest.
      assertThat(pod.at("/status/containerStatuses/0/imageID").asText())
          .startsWith(image.substring(0, image.lastIndexOf(':')) + "@sha256:");
      assertThat(HostCommands.exec("ip", "route", "get", ip)).doesNotContain(" via ");
    }
    assertThat(ips).hasSize(3);
    for (String ip : ips) {
      assertThat(
              await()
                  .atMost(Duration.ofMinutes(1))
                  .ignoreExceptions()
                  .until(() -> httpGet(ip), page -> page.contains("Hello from Kuark")))
          .contains("Hello from Kuark");
    }

    // A crash of the agent (no shutdown at all) must not touch the pods: same containers, no
    // restarts, still serving, status still reported.
    agent = cluster.processes.killAndRestartAgent(agent);
    kubectl.ok("wait", "--for=condition=Ready", "node/" + agent.nodeName(), "--timeout=120s");
    // Several sync rounds of the new agent.
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
    for (JsonNode pod : items("pods", "-n", "web", "-l", "app=web")) {
      String name = pod.at("/metadata/name").asText();
      assertThat(containerIds).containsKey(name);
      assertThat(pod.at("/status/containerStatuses/0/containerID").asText())
          .isEqualTo(containerIds.get(name));
      assertThat(pod.at("/status/containerStatuses/0/restartCount").asInt()).isZero();
      assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
      assertThat(httpGet(pod.at("/status/podIP").asText())).contains("Hello from Kuark");
    }

    // Deleting one pod gives back everything it held on the node.
    JsonNode victim = pods.get(0);
    String uid = victim.at("/metadata/uid").asText();
    String ip = victim.at("/status/podIP").asText();
    assertThat(filesNamed(ip)).as("IPAM reservation of " + ip).isNotEmpty();
    assertThat(podCgroups(uid)).as("cgroups of pod " + uid).isNotEmpty();
    kubectl.ok("delete", "pod", "-n", "web", victim.at("/metadata/name").asText(), "--wait=true");
    await("pod " + uid + " released on the node")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(agent.runDir().resolve("netns").resolve(uid)).doesNotExist();
              assertThat(filesNamed(ip)).as("IPAM reservation of " + ip).isEmpty();
              assertThat(podCgroups(uid)).as("cgroups of pod " + uid).isEmpty();
              assertThat(Leftovers.mountsUnder(agent.dataDir()))
                  .as("mounts")
                  .noneMatch(mount -> mount.contains(uid));
              assertThat(Leftovers.mountsUnder(agent.runDir()))
                  .as("mounts")
                  .noneMatch(mount -> mount.contains(uid));
            });
    try (Socket socket = new Socket()) {
      assertThat(canConnect(socket, ip)).as("nothing answers on the released " + ip).isFalse();
    }
    deleteNamespace("web");
  }

  @Test
  void aCrashingContainerBacksOffLongerEachTime() throws Exception {
    kubectl.ok("create", "namespace", "crash");
    kubectl.ok(
        "run",
        "crasher",
        "-n",
        "crash",
        "--image=kuark.local/demo:latest",
        "--restart=Always",
        "--overrides",
        "{\"spec\":{\"terminationGracePeriodSeconds\":1}}",
        "--command",
        "--",
        "sh",
        "-c",
        "exit 3");
    // kubelet's message: "back-off 10s restarting failed container=…", then 20s, 40s …
    Pattern backOff = Pattern.compile("back-off (\\d+)s restarting failed container=crasher");
    List<Integer> delays = new ArrayList<>();
    awaitState(
        "two growing crash-loop back-offs",
        () -> {
          JsonNode status = pod("crash", "crasher").at("/status/containerStatuses/0");
          JsonNode waiting = status.at("/state/waiting");
          if (waiting.path("reason").asText().equals("CrashLoopBackOff")) {
            Matcher m = backOff.matcher(waiting.path("message").asText());
            if (m.find()) {
              int delay = Integer.parseInt(m.group(1));
              if (delays.isEmpty() || delays.get(delays.size() - 1) != delay) {
                delays.add(delay);
              }
            }
            assertThat(status.at("/lastState/terminated/exitCode").asInt()).isEqualTo(3);
          }
          return delays.size() >= 2 ? delays : null;
        });
    assertThat(delays.get(1)).isGreaterThan(delays.get(0));
    assertThat(kubectl.ok("get", "pod", "crasher", "-n", "crash"))
        .containsPattern("crasher\\s+0/1\\s+(CrashLoopBackOff|Error)\\s+[1-9]");
    deleteNamespace("crash");
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
    kubectl.ok("create", "namespace", "oom");
    kubectl.ok(
        "run",
        "hog",
        "-n",
        "oom",
        "--image=kuark.local/demo:latest",
        "--restart=OnFailure",
        "--overrides",
        """
        {"spec":{"terminationGracePeriodSeconds":1,
          "containers":[{"name":"hog","image":"kuark.local/demo:latest",
          "command":["dd","if=/dev/zero","of=/dev/null","bs=64M","count=1"],
          "resources":{"limits":{"memory":"16Mi"}}}]}}
        """);
    JsonNode terminated =
        awaitState(
            "the hog killed for memory",
            () -> {
              JsonNode t = pod("oom", "hog").at("/status/containerStatuses/0/lastState/terminated");
              return t.isMissingNode() ? null : t;
            });
    assertThat(terminated.path("reason").asText()).isEqualTo("OOMKilled");
    assertThat(terminated.path("exitCode").asInt()).isEqualTo(137);
    assertThat(kubectl.ok("describe", "pod", "hog", "-n", "oom")).contains("OOMKilled");
    deleteNamespace("oom");
  }

  @Test
  void readinessGatesTheEndpointsAndAFailingLivenessProbeRestarts() throws Exception {
    kubectl.ok("create", "namespace", "probes");
    kubectl.runWithStdin(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: gated
          namespace: probes
          labels: {app: gated}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: kuark.local/demo:latest
            command: [sh, -c, "rm -f /tmp/ready /tmp/die; exec httpd -f -p 80 -h /www"]
            # Generous timeouts: an exec probe is a runc exec, which takes seconds on a loaded
            # machine, and a timed-out probe counts as failed (as upstream).
            readinessProbe:
              exec: {command: [cat, /tmp/ready]}
              periodSeconds: 1
              timeoutSeconds: 20
            livenessProbe:
              exec: {command: [sh, -c, "test ! -e /tmp/die"]}
              periodSeconds: 2
              timeoutSeconds: 20
              failureThreshold: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: gated
          namespace: probes
        spec:
          selector: {app: gated}
          ports:
          - port: 80
        """,
        "apply",
        "-f",
        "-");
    awaitState(
        "the running pod listed as a not-ready endpoint",
        () -> endpointReady("probes", "gated").equals("false") ? true : null);
    assertThat(kubectl.ok("get", "pod", "gated", "-n", "probes"))
        .containsPattern("gated\\s+0/1\\s+Running");

    kubectl.ok("exec", "gated", "-n", "probes", "--", "touch", "/tmp/ready");
    awaitState(
        "the endpoint ready", () -> endpointReady("probes", "gated").equals("true") ? true : null);
    assertThat(kubectl.ok("get", "pod", "gated", "-n", "probes"))
        .containsPattern("gated\\s+1/1\\s+Running");

    kubectl.ok("exec", "gated", "-n", "probes", "--", "touch", "/tmp/die");
    JsonNode status =
        awaitState(
            "a liveness restart",
            () -> {
              JsonNode s = pod("probes", "gated").at("/status/containerStatuses/0");
              return s.path("restartCount").asInt() >= 1 ? s : null;
            });
    // The restarted container removes both markers as it starts: it lives on, not ready until
    // told again.
    assertThat(status.at("/lastState/terminated").isMissingNode()).isFalse();
    awaitState(
        "the restarted container running, not ready",
        () -> {
          JsonNode s = pod("probes", "gated").at("/status/containerStatuses/0");
          return !s.at("/state/running").isMissingNode()
                  && !s.path("ready").asBoolean()
                  && endpointReady("probes", "gated").equals("false")
              ? true
              : null;
        });
    assertThat(kubectl.ok("get", "events", "-n", "probes")).contains("Unhealthy");
    deleteNamespace("probes");
  }

  /** Deletes a test's namespace and waits until its pods are gone from the node too. */
  private void deleteNamespace(String namespace) {
    kubectl.ok("delete", "namespace", namespace, "--wait=true", "--timeout=180s");
  }

  /** The {@code ready} condition of the Service's only endpoint, "" while there is none. */
  private String endpointReady(String namespace, String service) throws IOException {
    for (JsonNode slice :
        items("endpointslices", "-n", namespace, "-l", "kubernetes.io/service-name=" + service)) {
      for (JsonNode endpoint : slice.path("endpoints")) {
        return endpoint.at("/conditions/ready").asText();
      }
    }
    return "";
  }

  private JsonNode pod(String namespace, String name) throws IOException {
    return JSON.readTree(kubectl.ok("get", "pod", name, "-n", namespace, "-o", "json"));
  }

  private List<JsonNode> items(String... getArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("get"));
    args.addAll(List.of(getArgs));
    args.addAll(List.of("-o", "json"));
    List<JsonNode> items = new ArrayList<>();
    JSON.readTree(kubectl.ok(args.toArray(String[]::new))).path("items").forEach(items::add);
    return items;
  }

  /** Polls {@code probe} until it gives non-null; fails with the cluster's pods and events. */
  private <T> T awaitState(String what, java.util.concurrent.Callable<T> probe) {
    try {
      return await(what)
          .atMost(POD_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(probe, value -> value != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "\n"
              + kubectl.run("get", "pods", "-A", "-o", "wide")
              + "\n"
              + kubectl.run("get", "events", "-A"),
          e);
    }
  }

  /** Files anywhere under the agent's data and run dirs named {@code name} (IPAM reservations). */
  private List<Path> filesNamed(String name) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path root : List.of(agent.dataDir(), agent.runDir())) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.getFileName().toString().equals(name)).forEach(found::add);
      } catch (UncheckedIOException e) {
        // A pod dir vanishing during the walk; the next poll sees the settled tree.
        throw e.getCause();
      }
    }
    return found;
  }

  /** The pod's cgroup directories under the agent's cgroup parent, in every hierarchy. */
  private List<Path> podCgroups(String uid) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path hierarchy : hierarchies.toList()) {
        Path parent = hierarchy.resolve(agent.cgroupParent());
        if (Files.isSymbolicLink(hierarchy) || !Files.isDirectory(parent)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(parent)) {
          walk.filter(p -> p.getFileName().toString().equals("pod" + uid)).forEach(found::add);
        }
      }
    }
    return found;
  }

  private static boolean canConnect(Socket socket, String ip) {
    try {
      socket.connect(new InetSocketAddress(ip, 80), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String httpGet(String ip) throws IOException, InterruptedException {
    return HostCommands.exec("curl", "-s", "--noproxy", "*", "-m", "5", "http://" + ip + "/");
  }
}
