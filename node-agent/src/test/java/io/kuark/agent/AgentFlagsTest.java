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
  void helpIsAskedForByEitherFormAnywhere() {
    assertTrue(AgentFlags.asksForHelp("--help"));
    assertTrue(AgentFlags.asksForHelp("--kubeconfig", "/tmp/k", "-h"));
    assertEquals(false, AgentFlags.asksForHelp("--kubeconfig", "/tmp/k"));
  }

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

  @Test
  void syncFrequencyIsAPositiveGoDurationDefaultingToAMinute() throws Exception {
    assertEquals(
        java.time.Duration.ofMinutes(1),
        AgentFlags.parse("--kubeconfig", "/k").node().syncFrequency());
    assertEquals(
        java.time.Duration.ofSeconds(30),
        AgentFlags.parse("--kubeconfig", "/k", "--sync-frequency", "30s").node().syncFrequency());
    assertEquals(
        java.time.Duration.ofSeconds(90),
        AgentFlags.parse("--kubeconfig=/k", "--sync-frequency=1m30s").node().syncFrequency());
    for (String bad : new String[] {"0", "0s", "-1m"}) {
      AgentFlags.UsageException e =
          assertThrows(
              AgentFlags.UsageException.class,
              () -> AgentFlags.parse("--kubeconfig=/k", "--sync-frequency=" + bad));
      assertEquals("--sync-frequency must be positive: " + bad, e.getMessage());
    }
    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig=/k", "--sync-frequency=1 minute"));
    assertTrue(e.getMessage().startsWith("--sync-frequency: not a duration"), e.getMessage());
    assertTrue(AgentFlags.USAGE.contains("[--sync-frequency DUR]"));
  }

  @Test
  void durationsAreGoDurations() throws Exception {
    assertEquals(java.time.Duration.ofMillis(300), GoDuration.parse("300ms"));
    assertEquals(java.time.Duration.ofMinutes(165), GoDuration.parse("2h45m"));
    assertEquals(java.time.Duration.ofMinutes(90), GoDuration.parse("1.5h"));
    assertEquals(java.time.Duration.ofMillis(500), GoDuration.parse(".5s"));
    assertEquals(java.time.Duration.ofNanos(1_002_003), GoDuration.parse("1ms2us3ns"));
    assertEquals(java.time.Duration.ofSeconds(-5), GoDuration.parse("-5s"));
    assertEquals(java.time.Duration.ZERO, GoDuration.parse("0"));
    for (String bad : new String[] {"", "1", "s", "1m 30s", "1d", "-", "1.5.5s"}) {
      assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
    }
    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig=/k", "--image-minimum-gc-age=-2m"));
    assertEquals("--image-minimum-gc-age must not be negative: -2m", e.getMessage());
  }
}
