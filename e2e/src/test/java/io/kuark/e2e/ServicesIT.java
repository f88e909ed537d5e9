package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services end to end with real kubectl: a Deployment of three demo pods that serve their own host
 * name, a ClusterIP Service reached from inside a pod's network namespace (every endpoint answers,
 * the pod itself included: hairpin), a NodePort and a LoadBalancer Service reached from the host on
 * the node address 127.0.0.1, the LoadBalancer's ingress IP, and a scale-down taken out of
 * rotation. The host itself also reaches the ClusterIP (as on an upstream node): the agent routes
 * the service CIDR into its DNS link in front of the safety blackhole, and {@code ip route get}
 * never shows the uplink for a service address.
 */
class ServicesIT {
  private static final String CLUSTER_CIDR = "10.207.0.0/16";
  private static final String SERVICE_CIDR = "10.208.0.0/16";
  private static final String POD_PREFIX = "10.207.";
  private static final String CLUSTER_DNS = "10.208.0.10";
  private static final String DNS_LINK = "kuark-e2esvc";
  private static final Duration POD_TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SingleNodeCluster cluster;

  @AfterEach
  void stopEverything() throws Exception {
    CleanUpSteps steps = new CleanUpSteps();
    if (cluster != null) {
      steps.run(cluster::close);
    }
    // Normally gone with the agent (--dns-remove-link); after a crash it would not be.
    steps.run(
        () ->
            new ProcessBuilder("ip", "link", "del", DNS_LINK)
                .redirectErrorStream(true)
                .start()
                .waitFor());
    steps.throwFirst();
  }

  @Test
  void clusterIpNodePortAndLoadBalancerReachEveryEndpoint() throws Exception {
    cluster =
        SingleNodeCluster.start(
            getClass().getSimpleName(),
            CLUSTER_CIDR,
            SERVICE_CIDR,
            // DNS on a link of this test, removed when the agent stops; nothing is forwarded.
            List.of(
                "--cluster-dns",
                CLUSTER_DNS,
                "--dns-link",
                DNS_LINK,
                "--dns-remove-link",
                "--dns-upstream",
                "127.0.0.1:" + FreePorts.next()));
    KuarkProcesses processes = cluster.processes;
    KuarkProcesses.Agent agent = cluster.agent;
    Kubectl kubectl = cluster.kubectl;
    int lbPort = FreePorts.next();
    Path manifest = processes.newDir("manifests").resolve("web.yaml");
    Files.writeString(manifest, manifest(lbPort));
    assertThat(kubectl.ok("apply", "-f", manifest.toString()))
        .contains("deployment.apps/web created")
        .contains("service/web created");

    List<JsonNode> pods = awaitRunningPods(kubectl, 3);
    Set<String> names = new HashSet<>();
    for (JsonNode pod : pods) {
      names.add(pod.path("metadata").path("name").asText());
    }
    String clusterIp = kubectl.ok("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}");
    assertThat(clusterIp).startsWith("10.208.");
    String nodePort =
        kubectl.ok("get", "service", "web-np", "-o", "jsonpath={.spec.ports[0].nodePort}");
    assertThat(Integer.parseInt(nodePort)).isBetween(30000, 32767);

    // ClusterIP from a pod (curl run in the first pod's network namespace): 60 requests reach all
    // three pods (a miss has probability 3 * (2/3)^60 < 1e-10), the pod itself through hairpin.
    Path podNetns =
        agent.runDir().resolve("netns").resolve(pods.get(0).path("metadata").path("uid").asText());
    String fromPod = "http://" + clusterIp + "/";
    awaitPage(() -> inNetns(podNetns, fromPod), "ClusterIP " + clusterIp);
    assertThat(answers(() -> inNetns(podNetns, fromPod), 60)).isEqualTo(names);

    // ClusterIP from the host: routed into the DNS link (never the uplink), DNATed by the proxy's
    // output chain and masqueraded, so all three pods answer here too.
    assertThat(HostCommands.exec("ip", "route", "get", clusterIp))
        .contains("dev " + DNS_LINK)
        .doesNotContain(" via ");
    String fromHost = "http://" + clusterIp + "/";
    awaitPage(() -> httpGet(fromHost), "ClusterIP " + clusterIp + " from the host");
    assertThat(answers(() -> httpGet(fromHost), 60)).isEqualTo(names);
    String unknownServiceIp = "10.208.255.254";
    assertThat(HostCommands.exec("ip", "route", "get", unknownServiceIp))
        .contains("dev " + DNS_LINK)
        .doesNotContain(" via ");

    // NodePort and LoadBalancer on the node address, from the host.
    String viaNodePort = "http://127.0.0.1:" + nodePort + "/";
    awaitPage(() -> httpGet(viaNodePort), "NodePort " + nodePort);
    assertThat(answers(() -> httpGet(viaNodePort), 60)).isEqualTo(names);
    String viaLb = "http://127.0.0.1:" + lbPort + "/";
    awaitPage(() -> httpGet(viaLb), "LoadBalancer port " + lbPort);
    assertThat(names).contains(httpGet(viaLb).trim());
    await("LoadBalancer ingress IP")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                kubectl.ok(
                    "get",
                    "service",
                    "web-lb",
                    "-o",
                    "jsonpath={.status.loadBalancer.ingress[*].ip}"),
            ip -> ip.equals("127.0.0.1"));

    // Scale to one: the others leave the rotation.
    kubectl.ok("scale", "deployment", "web", "--replicas=1");
    List<JsonNode> left = awaitRunningPods(kubectl, 1);
    String survivor = left.get(0).path("metadata").path("name").asText();
    await("only " + survivor + " answers")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> answers(() -> httpGet(viaNodePort), 20), seen -> seen.equals(Set.of(survivor)));

    kubectl.ok("delete", "-f", manifest.toString());
    await("web pods gone")
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl.ok("get", "pods", "-o", "json").contains("\"items\": []"));

    // The agent takes its DNS link (and the route into it) away; the blackhole stays in force.
    processes.stopAgent(agent);
    assertThat(HostCommands.exec("ip", "-o", "link", "show")).doesNotContain(DNS_LINK);
    assertThat(HostCommands.exec("ip", "route", "show", "root", SERVICE_CIDR).strip())
        .startsWith("blackhole " + SERVICE_CIDR)
        .doesNotContain("\n");
  }

  private static String manifest(int lbPort) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: kuark.local/demo:latest
                command: ["sh", "-c", "hostname > /www/index.html; exec httpd -f -p 80 -h /www"]
                ports:
                - containerPort: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: 80}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web-np
        spec:
          type: NodePort
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: 80}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web-lb
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports:
          - {name: http, port: %d, targetPort: 80}
        """
        .formatted(lbPort);
  }

  private interface Get {
    String get() throws Exception;
  }

  private static void awaitPage(Get get, String what) {
    await(what + " answers")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> get.get() != null);
  }

  private static Set<String> answers(Get get, int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      String page = get.get();
      seen.add(page == null ? "(no answer)" : page.trim());
    }
    return seen;
  }

  private static String inNetns(Path netns, String url) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("nsenter", "--net=" + netns, "curl", "-s", "-m", "5", url)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? out : null;
  }

  private static String httpGet(String url) throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return response.statusCode() == 200 ? response.body() : null;
  }

  private static List<JsonNode> awaitRunningPods(Kubectl kubectl, int count) {
    try {
      return await(count + " Running web pods")
          .atMost(POD_TIMEOUT)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> runningPods(kubectl), pods -> pods.size() == count);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage() + "\n" + kubectl.run("get", "pods,services,endpointslices", "-o", "wide"),
          e);
    }
  }

  /** Running web pods with an IP, when no other web pod exists (none pending or terminating). */
  private static List<JsonNode> runningPods(Kubectl kubectl) throws IOException {
    JsonNode items = JSON.readTree(kubectl.ok("get", "pods", "-l", "app=web", "-o", "json"));
    List<JsonNode> running = new ArrayList<>();
    int all = 0;
    for (JsonNode pod : items.path("items")) {
      all++;
      JsonNode status = pod.path("status");
      if (status.path("phase").asText().equals("Running")
          && status.path("podIP").asText().startsWith(POD_PREFIX)
          && pod.path("metadata").path("deletionTimestamp").isMissingNode()) {
        running.add(pod);
      }
    }
    return running.size() == all ? running : List.of();
  }
}
