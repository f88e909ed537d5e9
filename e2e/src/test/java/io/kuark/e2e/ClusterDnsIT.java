package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster DNS end to end: server and agent as {@code kuark up} runs them, a Deployment behind a
 * ClusterIP and a headless Service, and a pod whose busybox {@code nslookup} asks the node-local
 * DNS at the cluster DNS address (reached through the pod's gateway) for the Service, the headless
 * Service, an SRV name and a missing name; the test reads the answers from the pod's log file. Only
 * DNS is under test here, not traffic to ClusterIPs. Names outside the cluster go to an upstream on
 * loopback where nothing listens, never to the host's resolver.
 */
class ClusterDnsIT {
  private static final String CLUSTER_CIDR = "10.211.0.0/16";
  private static final String SERVICE_CIDR = "10.212.0.0/16";
  private static final String CLUSTER_DNS = "10.212.0.10";
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
  void podsResolveServicesHeadlessServicesAndSrvNames() throws Exception {
    cluster =
        SingleNodeCluster.start(
            getClass().getSimpleName(),
            CLUSTER_CIDR,
            SERVICE_CIDR,
            List.of(
                "--cluster-dns",
                CLUSTER_DNS,
                "--dns-link",
                "kuark-e2edns",
                "--dns-remove-link",
                "--dns-upstream",
                "127.0.0.1:" + FreePorts.next()));
    KuarkProcesses.Agent agent = cluster.agent;
    Kubectl kubectl = cluster.kubectl;

    // The server made kube-dns at the 10th service address, the agent owns that address.
    assertThat(kubectl.ok("get", "service", "-n", "kube-system", "kube-dns", "-o", "wide"))
        .contains(CLUSTER_DNS);
    assertThat(HostCommands.exec("ip", "route", "get", CLUSTER_DNS)).startsWith("local ");

    kubectl.ok("create", "deployment", "web", "--image=kuark.local/demo:latest");
    Kubectl.Result applied =
        kubectl.runWithStdin(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{name: http, port: 80, protocol: TCP}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-headless}
            spec:
              clusterIP: None
              selector: {app: web}
              ports: [{name: http, port: 80, protocol: TCP}]
            """,
            "apply",
            "-f",
            "-");
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    String webIp = kubectl.ok("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").trim();
    assertThat(webIp).startsWith("10.212.");
    String webPodIp =
        await("a Running web pod")
            .atMost(POD_TIMEOUT)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> runningPodIp(kubectl, "app=web"), Objects::nonNull);

    String probe =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: probe, labels: {app: probe}}
        spec:
          restartPolicy: Never
          containers:
          - name: probe
            image: kuark.local/demo:latest
            command:
            - sh
            - -c
            - |
              cat /etc/resolv.conf
              for i in $(seq 1 60); do nslookup web-headless.default.svc.cluster.local && break; sleep 1; done
              echo "== service"; nslookup web.default.svc.cluster.local
              echo "== short"; nslookup web
              echo "== srv"; nslookup -type=srv _http._tcp.web.default.svc.cluster.local
              echo "== missing"; nslookup nope.default.svc.cluster.local
              echo "== end"
        """;
    Kubectl.Result created = kubectl.runWithStdin(probe, "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    JsonNode done =
        await("the probe pod to finish")
            .atMost(POD_TIMEOUT)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> finishedPod(kubectl, "probe"), Objects::nonNull);
    String uid = done.path("metadata").path("uid").asText();
    Path log = agent.podLogDir().resolve("default_probe_" + uid).resolve("probe").resolve("0.log");
    String out = Files.readString(log);

    assertThat(out).contains("nameserver " + CLUSTER_DNS).contains("options ndots:5");
    String service = section(out, "== service", "== short");
    assertThat(service).contains("web.default.svc.cluster.local").contains(webIp);
    assertThat(section(out, "== short", "== srv")).contains(webIp);
    String headless = out.substring(0, out.indexOf("== service"));
    assertThat(headless).contains(webPodIp);
    assertThat(section(out, "== srv", "== missing"))
        .contains("_http._tcp.web.default.svc.cluster.local")
        .contains("80 web.default.svc.cluster.local");
    assertThat(section(out, "== missing", "== end")).contains("NXDOMAIN");

    // Pods go before the agent stops, so that nothing of theirs is left on the host.
    kubectl.ok("delete", "pod", "probe");
    kubectl.ok("delete", "deployment", "web");
    await("pods gone")
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl.ok("get", "pods", "-o", "json").contains("\"items\": []"));
    await("pod sandboxes and containers gone")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              for (Path dir : List.of(agent.runDir(), agent.dataDir())) {
                assertThat(Leftovers.mountsUnder(dir)).as("mounts under " + dir).isEmpty();
                assertThat(Leftovers.processesRootedUnder(dir))
                    .as("containers in " + dir)
                    .isEmpty();
              }
            });
  }

  private static String section(String log, String from, String to) {
    return log.substring(log.indexOf(from), log.indexOf(to));
  }

  private static String runningPodIp(Kubectl kubectl, String selector) throws Exception {
    JsonNode pods = JSON.readTree(kubectl.ok("get", "pods", "-l", selector, "-o", "json"));
    for (JsonNode pod : pods.path("items")) {
      JsonNode status = pod.path("status");
      boolean ready = false;
      for (JsonNode c : status.path("conditions")) {
        ready |=
            c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True");
      }
      if (status.path("phase").asText().equals("Running")
          && ready
          && !status.path("podIP").asText().isEmpty()) {
        return status.path("podIP").asText();
      }
    }
    return null;
  }

  private static JsonNode finishedPod(Kubectl kubectl, String name) throws Exception {
    JsonNode pod = JSON.readTree(kubectl.ok("get", "pod", name, "-o", "json"));
    String phase = pod.path("status").path("phase").asText();
    return phase.equals("Succeeded") || phase.equals("Failed") ? pod : null;
  }
}
