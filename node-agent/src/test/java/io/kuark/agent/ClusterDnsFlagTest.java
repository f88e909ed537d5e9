package io.kuark.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --cluster-dns} defaults to the 10th address of {@code --service-cidr}, as the server's.
 */
class ClusterDnsFlagTest {

  @Test
  void defaultFollowsTheServiceCidr() throws Exception {
    assertEquals("10.43.0.10", AgentFlags.parse("--kubeconfig", "/k").clusterDns());
    assertEquals(
        "10.96.0.10",
        AgentFlags.parse("--kubeconfig", "/k", "--service-cidr", "10.96.0.0/12").clusterDns());
    assertEquals(
        "10.207.0.10",
        AgentFlags.parse("--kubeconfig", "/k", "--service-cidr=10.207.0.0/16").clusterDns());
    // Given explicitly, it wins.
    assertEquals(
        "10.96.0.53",
        AgentFlags.parse(
                "--kubeconfig",
                "/k",
                "--service-cidr",
                "10.96.0.0/12",
                "--cluster-dns",
                "10.96.0.53")
            .clusterDns());
  }

  @Test
  void tenthAddressIsTakenFromTheNetworkAddress() {
    assertEquals("192.168.7.10", ServiceCidrs.tenthAddress("192.168.7.99/24"));
    assertEquals("10.0.0.26", ServiceCidrs.tenthAddress("10.0.0.16/28"));
    assertNull(ServiceCidrs.tenthAddress("10.0.0.0/29"));
    assertNull(ServiceCidrs.tenthAddress("fd00::/108"));
    assertNull(ServiceCidrs.tenthAddress("10.0.300.0/16"));
    assertNull(ServiceCidrs.tenthAddress("10.0.0.0"));
  }

  @Test
  void anUnusableServiceCidrWithoutClusterDnsIsAUsageError() {
    AgentFlags.UsageException e =
        assertThrows(
            AgentFlags.UsageException.class,
            () -> AgentFlags.parse("--kubeconfig", "/k", "--service-cidr", "nonsense"));
    assertTrue(e.getMessage().contains("--service-cidr"), e.getMessage());
  }
}
