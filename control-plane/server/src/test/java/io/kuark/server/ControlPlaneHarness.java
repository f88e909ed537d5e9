package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the ITs that drive a real kuark-server's control plane with real kubectl share: kubectl that
 * retries dropped connections, a stand-in for the kubelets of fake nodes (node status and
 * heartbeats, pod status, confirming graceful deletions) and {@code kubectl rollout status} played
 * until it succeeds. Closing it stops the heartbeats.
 */
final class ControlPlaneHarness implements AutoCloseable {
  private final Kubectl raw;
  private final Path dir;
  private ScheduledExecutorService heartbeats;

  /**
   * @param raw kubectl for the server under test
   * @param dir where manifests are written (the test's temp dir)
   */
  ControlPlaneHarness(Kubectl raw, Path dir) {
    this.raw = raw;
    this.dir = dir;
  }

  /** kubectl that retries when the loaded test machine drops a connection (not API errors). */
  Kubectl.Result run(String... args) {
    Kubectl.Result r = null;
    for (int i = 0; i < 5; i++) {
      r = raw.run(args);
      if (r.exitCode() == 0 || !r.err().contains("Unable to connect to the server")) {
        return r;
      }
    }
    return r;
  }

  /** A kubectl that keeps running (e.g. {@code get -w}); not retried. */
  Kubectl.Running start(String... args) {
    return raw.start(args);
  }

  Path write(String name, String yaml) {
    Path p = dir.resolve(name);
    try {
      Files.writeString(p, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  void apply(String name, String yaml) {
    run("apply", "-f", write(name, yaml).toString()).ok();
  }

  String jsonpath(String ns, String what, String path) {
    return run("-n", ns, "get", what, "-o", "jsonpath=" + path).ok().out();
  }

  /** Registers a Ready node with {@code cpu} CPUs, 8Gi and 110 pods, as its kubelet would. */
  void createNode(String name, String cpu) {
    apply(
        name + ".yaml",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: "
            + name
            + "\n  labels: {kubernetes.io/hostname: "
            + name
            + "}\n");
    String now = Instant.now().toString();
    run(
            "patch",
            "node",
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            "{\"status\":{\"capacity\":{\"cpu\":\""
                + cpu
                + "\",\"memory\":\"8Gi\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":\""
                + cpu
                + "\",\"memory\":\"8Gi\",\"pods\":\"110\"},\"conditions\":[{\"type\":\"Ready\","
                + "\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"fake\","
                + "\"lastHeartbeatTime\":\""
                + now
                + "\",\"lastTransitionTime\":\""
                + now
                + "\"}]}}")
        .ok();
  }

  /**
   * Heartbeats {@code nodes} every 5 s, as a kubelet posts its Ready condition; the lifecycle
   * controller counts a changed lastHeartbeatTime as a heartbeat (grace 40 s).
   */
  synchronized void startHeartbeats(List<String> nodes) {
    heartbeats = Executors.newSingleThreadScheduledExecutor();
    heartbeats.scheduleWithFixedDelay(() -> nodes.forEach(this::heartbeat), 5, 5, TimeUnit.SECONDS);
  }

  private void heartbeat(String node) {
    String now = Instant.now().toString();
    run(
        "patch",
        "node",
        node,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
            + "\"reason\":\"KubeletReady\",\"message\":\"fake\",\"lastHeartbeatTime\":\""
            + now
            + "\",\"lastTransitionTime\":\""
            + now
            + "\"}]}}");
  }

  /** Fields name, phase, ready, deletionTimestamp, nodeName of every pod in the namespace. */
  List<String[]> pods(String ns) {
    String out =
        jsonpath(
            ns,
            "pods",
            "{range .items[*]}{.metadata.name} {.status.phase}"
                + " {.status.conditions[?(@.type==\"Ready\")].status}"
                + " {.metadata.deletionTimestamp} {.spec.nodeName}{\"\\n\"}{end}");
    return out.lines()
        .filter(l -> !l.isBlank())
        .map(l -> Arrays.copyOf(l.split(" ", -1), 5))
        .toList();
  }

  /**
   * Plays the kubelets of the fake nodes for the namespace: pods bound to a node become Running and
   * Ready, pods being deleted gracefully are removed (a kubelet confirms with a zero-grace delete
   * once containers stopped).
   */
  void playKubelet(String ns) {
    for (String[] p : pods(ns)) {
      if (p[3] != null && !p[3].isEmpty()) {
        run("-n", ns, "delete", "pod", p[0], "--grace-period=0", "--force", "--wait=false");
      } else if (p[4] != null
          && !p[4].isEmpty()
          && !("Running".equals(p[1]) && "True".equals(p[2]))) {
        markRunningAndReady(ns, p[0]);
      }
    }
  }

  /**
   * Marks every pod of the namespace that is not Running and Ready yet as such, bound or not (for
   * tests without nodes that only need the controllers to see ready pods).
   */
  void markPodsReady(String ns) {
    String names =
        run(
                "-n",
                ns,
                "get",
                "pods",
                "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.phase}"
                    + "{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}")
            .ok()
            .out();
    for (String line : names.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f[0].isEmpty() || (f.length > 1 && "RunningTrue".equals(f[1]))) {
        continue;
      }
      markRunningAndReady(ns, f[0]);
    }
  }

  private void markRunningAndReady(String ns, String pod) {
    String now = Instant.now().minusSeconds(1).toString();
    run(
        "-n",
        ns,
        "patch",
        "pod",
        pod,
        "--subresource=status",
        "--type=merge",
        "-p",
        "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\""
            + now
            + "\"}]}}");
  }

  /**
   * {@code kubectl rollout status} until it reports success, running {@code kubelet} for the
   * namespace before each try (a kubelet keeps re-asserting the status it owns).
   */
  Kubectl.Result rolloutStatus(String ns, String what, Consumer<String> kubelet) {
    Kubectl.Result[] last = new Kubectl.Result[1];
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              kubelet.accept(ns);
              last[0] = run("-n", ns, "rollout", "status", what, "--timeout=10s");
              assertThat(last[0].exitCode()).as(last[0].err() + last[0].out()).isZero();
            });
    return last[0];
  }

  @Override
  public synchronized void close() {
    if (heartbeats != null) {
      heartbeats.shutdownNow();
    }
  }
}
