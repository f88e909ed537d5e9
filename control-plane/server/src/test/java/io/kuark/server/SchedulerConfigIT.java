package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kuark-server --scheduler-config}: the default-scheduler's PodTopologySpread defaults come
 * from the file, and an invalid file stops the start with the offending field.
 */
class SchedulerConfigIT {
  private Path dir;

  @BeforeEach
  void createDir() throws IOException {
    dir = Files.createTempDirectory("kuark-scheduler-config-it");
  }

  @AfterEach
  void removeDir() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Path config(String profile) throws IOException {
    Path file = dir.resolve("scheduler.yaml");
    Files.writeString(
        file,
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
            + "profiles:\n"
            + profile);
    return file;
  }

  @Test
  void anInvalidConfigurationStopsTheStartNamingTheField() throws IOException {
    Path file = config("- schedulerName: my-scheduler\n");
    assertThatThrownBy(
            () ->
                new ServerProcess(
                        dir.resolve("data"),
                        dir.resolve("etc/kuark.yaml"),
                        ServerProcess.freePort(),
                        List.of("--scheduler-config", file.toString()))
                    .close())
        .hasMessageContaining(
            "--scheduler-config "
                + file
                + ": profiles[0].schedulerName: only the default-scheduler profile exists");
  }

  @Test
  void listedDefaultConstraintsPlaceReplicaSetPods() throws IOException {
    // Every ReplicaSet pod must spread over zones (DoNotSchedule): a node without a zone label does
    // not take part, unlike with the System defaults.
    Path file =
        config(
            "- schedulerName: default-scheduler\n  pluginConfig:\n  - name: PodTopologySpread\n"
                + "    args:\n      defaultingType: List\n      defaultConstraints:\n"
                + "      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone,"
                + " whenUnsatisfiable: DoNotSchedule}\n");
    try (ServerProcess server =
            new ServerProcess(
                dir.resolve("data"),
                dir.resolve("etc/kuark.yaml"),
                ServerProcess.freePort(),
                List.of("--scheduler-config", file.toString()));
        ControlPlaneHarness cluster =
            new ControlPlaneHarness(new Kubectl("1.33", server.kubeconfig), dir)) {
      cluster.createNode("zoned", "4");
      cluster.createNode("zoneless", "4");
      cluster.run("label", "node", "zoned", "topology.kubernetes.io/zone=z1").ok();
      cluster.startHeartbeats(List.of("zoned", "zoneless"));
      cluster.run("create", "namespace", "spread").ok();
      cluster
          .run(
              "-n",
              "spread",
              "create",
              "deployment",
              "web",
              "--image=kuark.local/demo:1",
              "--replicas=3")
          .ok();
      await()
          .atMost(Duration.ofMinutes(3))
          .untilAsserted(
              () ->
                  assertThat(cluster.jsonpath("spread", "pods", "{.items[*].spec.nodeName}"))
                      .isEqualTo("zoned zoned zoned"));
    }
  }
}
