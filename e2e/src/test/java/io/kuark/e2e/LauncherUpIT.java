package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher's {@code kuark up}: it starts server and agent in the foreground with the flags it
 * was given, the node registers, and SIGTERM stops both (agent first) with exit code 0. Private
 * paths, ports and CIDRs, so it never meets a real installation.
 */
class LauncherUpIT {
  private static final String CLUSTER_CIDR = "10.203.0.0/16";
  private static final String SERVICE_CIDR = "10.204.0.0/16";

  private KuarkProcesses processes;

  @AfterEach
  void stopEverything() throws Exception {
    CleanUpSteps steps = new CleanUpSteps();
    if (processes != null) {
      steps.run(processes::close);
    }
    steps.run(() -> HostCommands.removeRoutesWithin(CLUSTER_CIDR));
    steps.run(() -> HostCommands.removeRoutesWithin(SERVICE_CIDR));
    steps.throwFirst();
  }

  @Test
  void upRunsServerAndAgentUntilSigterm() throws Exception {
    processes = new KuarkProcesses(getClass().getSimpleName());
    Path dataDir = processes.newDir("data");
    Path kubeconfig = processes.baseDir().resolve("kuark.yaml");
    String nodeName = "e2e-up-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args =
        List.of(
            "up",
            "--data-dir",
            dataDir.toString(),
            "--secure-port",
            Integer.toString(FreePorts.next()),
            "--bind-address",
            "127.0.0.1",
            "--write-kubeconfig",
            kubeconfig.toString(),
            "--node-ip",
            "127.0.0.1",
            "--node-name",
            nodeName,
            "--run-dir",
            processes.newDir("run").toString(),
            "--pod-log-dir",
            processes.newDir("pod-logs").toString(),
            "--cni-conf-dir",
            processes.newDir("cni-net.d").toString(),
            "--port",
            Integer.toString(FreePorts.next()),
            "--cluster-cidr",
            CLUSTER_CIDR,
            "--service-cidr",
            SERVICE_CIDR,
            // The agent's host-wide names, private to this test and removed when it stops.
            "--cluster-dns",
            KuarkProcesses.tenthAddress(SERVICE_CIDR),
            "--dns-link",
            "kd-up-" + nodeName.substring(nodeName.length() - 6),
            "--dns-remove-link",
            "--proxy-table",
            "kuark-proxy-" + nodeName,
            "--proxy-cleanup");
    ManagedProcess up = processes.launch("up", args);
    up.awaitLine("kuark-server ready", KuarkProcesses.START_TIMEOUT);
    up.awaitLine("kuark-agent ready", KuarkProcesses.START_TIMEOUT);

    assertThat(dataDir.resolve("agent/images/kuark-demo.oci.tar")).isNotEmptyFile();
    Kubectl kubectl =
        new Kubectl(Kubectl.binary("default"), kubeconfig, processes.newDir("kubectl-cache"));
    await("node " + nodeName + " Ready")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                kubectl
                    .run(
                        "get",
                        "node",
                        nodeName,
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                    .stdout()
                    .equals("True"));

    List<ProcessHandle> programs = new ArrayList<>();
    ProcessHandle.of(up.pid()).orElseThrow().descendants().forEach(programs::add);
    assertThat(programs)
        .as("server and agent JVMs under kuark up")
        .filteredOn(p -> p.info().command().orElse("").endsWith("java"))
        .hasSize(2);

    assertThat(up.stop(Duration.ofSeconds(90))).as(up.output()).isZero();
    assertThat(programs).noneMatch(ProcessHandle::isAlive);
    String output = up.output();
    assertThat(output).contains("kuark: stopping");
    // The agent's clean-up ran to its end before its JVM exited (it once raced the exit).
    assertThat(output).contains("kuark-agent stopped").contains("kuark-server stopped");
    assertThat(Files.exists(kubeconfig)).isTrue();
  }

  @Test
  void upRejectsUnknownFlags() throws Exception {
    processes = new KuarkProcesses(getClass().getSimpleName());
    ManagedProcess up = processes.launch("up-bad-flag", List.of("up", "--no-such-flag", "1"));
    assertThat(up.awaitExit(Duration.ofMinutes(1))).isNotZero();
    assertThat(up.output()).contains("unknown flag --no-such-flag");
  }
}
