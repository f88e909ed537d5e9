package io.kuark.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kuark.agent.network.routes.PodNetworkMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flags for cross-node routing and registries. */
class AgentFlagsTest {

  @Test
  void podNetworkModeDefaultsToHostGwAndInsecureRegistriesToNone() throws Exception {
    AgentConfig config = AgentFlags.parse("--kubeconfig", "/k", "--node-ip", "127.0.0.1");
    assertEquals(PodNetworkMode.HOST_GW, config.podNetworkMode());
    assertEquals(List.of(), config.insecureRegistries());
  }

  @Test
  void modeAndRegistriesAreParsed() throws Exception {
    AgentConfig config =
        AgentFlags.parse(
            "--kubeconfig=/k",
            "--pod-network-mode=vxlan",
            "--insecure-registry",
            "reg.lan:5000,other",
            "--insecure-registry=third");
    assertEquals(PodNetworkMode.VXLAN, config.podNetworkMode());
    assertEquals(List.of("reg.lan:5000", "other", "third"), config.insecureRegistries());
  }

  @Test
  void unknownModeIsAUsageError() {
    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--pod-network-mode", "udp"));
    assertTrue(e.getMessage().contains("unknown pod network mode udp"), e.getMessage());
  }

  @Test
  void housekeepingFlagsDefaultAsKubeletAndAreChecked() throws Exception {
    AgentConfig config = AgentFlags.parse("--kubeconfig", "/k", "--data-dir", "/d");
    AgentConfig.Housekeeping node = config.node();
    assertEquals(java.nio.file.Path.of("/d/agent/manifests"), node.podManifestPath());
    assertEquals(io.kuark.agent.eviction.Threshold.DEFAULTS, node.evictionHard());
    assertEquals(10L << 20, node.containerLogMaxSize());
    assertEquals(5, node.containerLogMaxFiles());
    assertEquals(java.time.Duration.ofMinutes(5), node.evictionPressureTransitionPeriod());

    AgentConfig set =
        AgentFlags.parse(
            "--kubeconfig=/k",
            "--pod-manifest-path=/etc/kuark/manifests",
            "--eviction-hard=memory.available<1Gi,pid.available<10%",
            "--housekeeping-interval=500ms",
            "--container-log-max-size=1Mi",
            "--container-log-max-files=2");
    assertEquals(java.nio.file.Path.of("/etc/kuark/manifests"), set.node().podManifestPath());
    assertEquals(java.time.Duration.ofMillis(500), set.node().housekeepingInterval());
    assertEquals(1L << 20, set.node().containerLogMaxSize());

    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--eviction-hard", "memory<1Gi"));
    assertTrue(e.getMessage().contains("unknown eviction signal"), e.getMessage());
    e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--container-log-max-files", "1"));
    assertTrue(e.getMessage().contains("must be within 2..1000"), e.getMessage());
  }

  @Test
  void imageGcFlagsDefaultAsKubeletAndAreChecked() throws Exception {
    io.kuark.agent.image.gc.ImageGcPolicy defaults =
        AgentFlags.parse("--kubeconfig", "/k").node().imageGc();
    assertEquals(85, defaults.highThresholdPercent());
    assertEquals(80, defaults.lowThresholdPercent());
    assertEquals(java.time.Duration.ofMinutes(2), defaults.minimumAge());

    io.kuark.agent.image.gc.ImageGcPolicy set =
        AgentFlags.parse(
                "--kubeconfig=/k",
                "--image-gc-high-threshold=70",
                "--image-gc-low-threshold",
                "50",
                "--image-minimum-gc-age=1h")
            .node()
            .imageGc();
    assertEquals(70, set.highThresholdPercent());
    assertEquals(50, set.lowThresholdPercent());
    assertEquals(java.time.Duration.ofHours(1), set.minimumAge());

    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--image-gc-low-threshold", "90"));
    assertEquals(
        "--image-gc-low-threshold (90) must be less than --image-gc-high-threshold (85)",
        e.getMessage());
    e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--image-gc-high-threshold", "101"));
    assertTrue(e.getMessage().contains("must be within 0..100"), e.getMessage());
  }

  @Test
  void containerGcFlagsDefaultAsKubelet() throws Exception {
    assertEquals(
        io.kuark.agent.pod.gc.ContainerGcPolicy.DEFAULTS,
        AgentFlags.parse("--kubeconfig", "/k").node().containerGc());
    assertEquals(
        new io.kuark.agent.pod.gc.ContainerGcPolicy(java.time.Duration.ofSeconds(30), 2, 100),
        AgentFlags.parse(
                "--kubeconfig=/k",
                "--minimum-container-ttl-duration=30s",
                "--maximum-dead-containers-per-container",
                "2",
                "--maximum-dead-containers=100")
            .node()
            .containerGc());
    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--maximum-dead-containers", "many"));
    assertEquals("--maximum-dead-containers is not a number: many", e.getMessage());
  }
}
