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
}
