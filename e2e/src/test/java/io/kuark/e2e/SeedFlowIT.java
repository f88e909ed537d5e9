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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed flow end to end, as {@code kuark up} runs it: a server on the embedded store, an agent
 * with the server's admin kubeconfig and the demo image in its images directory; then real kubectl
 * creates a Deployment of {@code kuark.local/demo:latest}, the pod runs with an IP, the host reads
 * the demo page from that IP, a client pod reads it by Service name and port (cluster DNS + service
 * proxy), and deleting the Deployment removes pod, netns and containers.
 *
 * <p>Everything is private to the test: temp data/run/log/CNI dirs, free ports, and cluster and
 * service CIDRs that a real install never uses (a real one defaults to 10.42/16 and 10.43/16).
 */
class SeedFlowIT {
  private static final String CLUSTER_CIDR = "10.201.0.0/16";
  private static final String SERVICE_CIDR = "10.202.0.0/16";
  private static final String POD_PREFIX = "10.201.";
  private static final Duration POD_TIMEOUT = Duration.ofMinutes(4);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SingleNodeCluster cluster;

  @AfterEach
  void stopEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void deploymentOfTheDemoImageServesItsPageFromThePodIp() throws Exception {
    cluster =
        SingleNodeCluster.start(getClass().getSimpleName(), CLUSTER_CIDR, SERVICE_CIDR, List.of());
    KuarkProcesses.Agent agent = cluster.agent;
    Kubectl kubectl = cluster.kubectl;

    assertThat(kubectl.ok("get", "nodes")).contains(agent.nodeName());
    assertThat(kubectl.ok("create", "deployment", "demo", "--image=kuark.local/demo:latest"))
        .contains("deployment.apps/demo created");

    JsonNode pod;
    try {
      pod =
          await("a Running demo pod with an IP")
              .atMost(POD_TIMEOUT)
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> runningDemoPod(kubectl), Objects::nonNull);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + clusterState(kubectl), e);
    }
    String podName = pod.path("metadata").path("name").asText();
    String podUid = pod.path("metadata").path("uid").asText();
    String podIp = pod.path("status").path("podIP").asText();
    assertThat(pod.path("spec").path("nodeName").asText()).isEqualTo(agent.nodeName());
    assertThat(podIp).startsWith(POD_PREFIX);

    String wide = kubectl.ok("get", "pods", "-o", "wide");
    assertThat(wide)
        .containsPattern(
            "(?m)^"
                + Pattern.quote(podName)
                + "\\s+1/1\\s+Running\\s+\\d+\\s+\\S+\\s+"
                + Pattern.quote(podIp)
                + "\\s+"
                + Pattern.quote(agent.nodeName())
                + "\\s");

    // Network safety: the pod IP must be reached directly on this host, never via a gateway.
    assertThat(HostCommands.exec("ip", "route", "get", podIp)).doesNotContain(" via ");
    String page =
        await("the demo page from " + podIp)
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofSeconds(1))
            .ignoreExceptions()
            .until(() -> httpGet("http://" + podIp + "/"), Objects::nonNull);
    assertThat(page).contains("Hello from Kuark");

    // ... and by Service name and port: a client pod resolves `demo` through the node-local
    // cluster DNS and fetches the page through the Service's ClusterIP (the service proxy).
    assertThat(kubectl.ok("expose", "deployment", "demo", "--port=8080", "--target-port=80"))
        .contains("service/demo exposed");
    kubectl.ok(
        "run",
        "client",
        "--image=kuark.local/demo:latest",
        "--restart=Never",
        "--command",
        "--",
        "sh",
        "-c",
        "for i in $(seq 1 60); do wget -q -O - http://demo:8080/ && exit 0; sleep 1; done; exit 1");
    String clientPhase;
    try {
      clientPhase =
          await("the client pod finished")
              .atMost(POD_TIMEOUT)
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> kubectl.ok("get", "pod", "client", "-o", "jsonpath={.status.phase}"),
                  phase -> phase.equals("Succeeded") || phase.equals("Failed"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + clusterState(kubectl), e);
    }
    String clientLog = kubectl.ok("logs", "client");
    assertThat(clientPhase).as("client pod phase; its log:\n" + clientLog).isEqualTo("Succeeded");
    assertThat(clientLog).contains("Hello from Kuark");
    kubectl.ok("delete", "pod", "client", "--grace-period=0", "--force");
    kubectl.ok("delete", "service", "demo");

    assertThat(kubectl.ok("delete", "deployment", "demo"))
        .contains("deployment.apps \"demo\" deleted");
    await("demo pods gone")
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl.ok("get", "pods", "-o", "json").contains("\"items\": []"));
    await("pod sandbox and containers gone")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(agent.runDir().resolve("netns").resolve(podUid)).doesNotExist();
              // The agent itself still runs (and names these dirs on its command line), so
              // only mounts and processes rooted there count here.
              for (Path dir : List.of(agent.runDir(), agent.dataDir())) {
                assertThat(Leftovers.mountsUnder(dir)).as("mounts under " + dir).isEmpty();
                assertThat(Leftovers.processesRootedUnder(dir))
                    .as("containers in " + dir)
                    .isEmpty();
              }
            });
  }

  /** What the cluster looks like, for failure messages. */
  private static String clusterState(Kubectl kubectl) {
    StringBuilder state = new StringBuilder();
    for (List<String> args :
        List.of(
            List.of("get", "nodes", "-o", "wide"),
            List.of("get", "deployments,replicasets,pods", "-o", "wide"),
            List.of("get", "pods", "-o", "yaml"),
            List.of("get", "events"))) {
      state.append("$ kubectl ").append(String.join(" ", args)).append('\n');
      state.append(kubectl.run(args.toArray(String[]::new))).append('\n');
    }
    return state.toString();
  }

  /** The first demo pod that is Running with a pod IP, or null. */
  private static JsonNode runningDemoPod(Kubectl kubectl) throws IOException {
    JsonNode pods = JSON.readTree(kubectl.ok("get", "pods", "-l", "app=demo", "-o", "json"));
    for (JsonNode pod : pods.path("items")) {
      JsonNode status = pod.path("status");
      if (status.path("phase").asText().equals("Running")
          && !status.path("podIP").asText().isEmpty()) {
        return pod;
      }
    }
    return null;
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
}
