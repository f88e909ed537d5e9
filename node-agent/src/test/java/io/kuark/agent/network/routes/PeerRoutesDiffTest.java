package io.kuark.agent.network.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.Link;
import io.kuark.linux.Neighbour;
import io.kuark.linux.Route;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of cross-node routing: Node parsing, peer filtering, wanted state and diffs. */
class PeerRoutesDiffTest {

  private static final InetAddress LOCAL = IpNet.parseIp("192.168.5.1");
  private static final Uplink UPLINK =
      new Uplink(
          new Link(7, "eth0", "", 1500, "02:00:00:00:00:07", 0, 1, -1),
          List.of(IpNet.parse("192.168.5.0/24")));

  static Node node(String name, String ip, String podCidr, String mac) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withPodCIDR(podCidr)
            .endSpec()
            .withNewStatus()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(name)
            .endAddress()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(ip)
            .endAddress()
            .endStatus();
    if (mac != null) {
      b.editMetadata().addToAnnotations(PeerNode.VTEP_MAC_ANNOTATION, mac).endMetadata();
    }
    return b.build();
  }

  private static PeerNode peer(String name, String ip, String podCidr, String mac) {
    return PeerNode.from(node(name, ip, podCidr, mac));
  }

  @Test
  void nodeIsReadFromInternalIpPodCidrAndAnnotation() {
    PeerNode p = peer("b", "192.168.5.2", "10.42.7.9/24", "02:aa:bb:cc:dd:ee");
    assertEquals(List.of(IpNet.parseIp("192.168.5.2")), p.internalIps());
    assertEquals(List.of(IpNet.parse("10.42.7.0/24")), p.podCidrs());
    assertEquals("02:aa:bb:cc:dd:ee", p.vtepMac());
    PeerNode garbage = peer("c", "not-an-ip", "nonsense", null);
    assertTrue(garbage.internalIps().isEmpty());
    assertTrue(garbage.podCidrs().isEmpty());
    assertNull(garbage.vtepMac());
  }

  @Test
  void peersExcludeSelfLoopbackOwnAddressOverlapsAndNodesWithoutCidr() {
    PeerNode self = peer("a", "192.168.5.1", "10.42.1.0/24", null);
    List<PeerNode> usable =
        NodeRouteManager.usablePeers(
            self,
            List.of(
                self,
                peer("b", "192.168.5.2", "10.42.2.0/24", null),
                peer("lo", "127.0.0.1", "10.42.3.0/24", null),
                peer("same-ip", "192.168.5.1", "10.42.4.0/24", null),
                peer("overlap", "192.168.5.5", "10.42.0.0/16", null),
                peer("nocidr", "192.168.5.6", null, null)),
            "a",
            LOCAL);
    assertEquals(List.of("b"), usable.stream().map(PeerNode::name).toList());
  }

  @Test
  void hostGwRoutesViaInternalIpOnlinkOnlyOutsideTheUplinkSubnets() {
    List<Route> wanted =
        HostGwRoutes.wanted(
            List.of(
                peer("b", "192.168.5.2", "10.42.2.0/24", null),
                peer("c", "192.168.9.3", "10.42.3.0/24", null)),
            UPLINK);
    assertEquals(2, wanted.size());
    Route b = wanted.get(0);
    assertEquals("10.42.2.0/24", b.destinationCidr());
    assertEquals(IpNet.parseIp("192.168.5.2"), b.gateway());
    assertEquals(7, b.linkIndex());
    assertFalse(b.onlink());
    assertEquals(OwnRoutes.PROTOCOL, b.protocol());
    assertTrue(wanted.get(1).onlink());
  }

  @Test
  void diffRemovesGoneNodesReplacesChangedOnesAndKeepsEqualOnes() {
    Route keep = OwnRoutes.via(IpNet.parse("10.42.2.0/24"), IpNet.parseIp("192.168.5.2"), 7, false);
    Route gone = OwnRoutes.via(IpNet.parse("10.42.3.0/24"), IpNet.parseIp("192.168.5.3"), 7, false);
    Route moved =
        OwnRoutes.via(IpNet.parse("10.42.4.0/24"), IpNet.parseIp("192.168.5.4"), 7, false);
    Route movedNow =
        OwnRoutes.via(IpNet.parse("10.42.4.0/24"), IpNet.parseIp("192.168.5.44"), 7, false);
    Route added =
        OwnRoutes.via(IpNet.parse("10.42.5.0/24"), IpNet.parseIp("192.168.5.5"), 7, false);
    // The kernel reports its own scope; that must not look like a change.
    Map<String, Route> existing =
        OwnRoutes.keyed(List.of(keep.withScope(Route.SCOPE_UNIVERSE), gone, moved));
    KeyedDiff<Route> diff = OwnRoutes.diff(existing, List.of(keep, movedNow, added));
    assertEquals(List.of(gone), diff.remove());
    assertEquals(List.of(movedNow, added), diff.upsert());
    assertTrue(OwnRoutes.diff(OwnRoutes.keyed(List.of(keep)), List.of(keep)).isEmpty());
  }

  @Test
  void vxlanWantsRouteNeighbourAndFdbPerPeerWithAVtepMac() {
    List<PeerNode> peers =
        List.of(
            peer("b", "192.168.5.2", "10.42.2.0/24", "02:AA:00:00:00:02"),
            peer("c", "192.168.5.3", "10.42.3.0/24", null));
    List<Route> routes = VxlanRoutes.wantedRoutes(peers, 9);
    assertEquals(1, routes.size());
    assertEquals("10.42.2.0/24", routes.get(0).destinationCidr());
    assertEquals(IpNet.parseIp("10.42.2.0"), routes.get(0).gateway());
    assertTrue(routes.get(0).onlink());
    assertEquals(9, routes.get(0).linkIndex());

    List<Neighbour> arp = VxlanRoutes.wantedNeighbours(peers, 9);
    assertEquals(
        List.of(
            new Neighbour(
                9,
                Neighbour.AF_INET,
                IpNet.parseIp("10.42.2.0"),
                "02:aa:00:00:00:02",
                Neighbour.NUD_PERMANENT,
                0)),
        arp);
    List<Neighbour> fdb = VxlanRoutes.wantedFdb(peers, 9);
    assertEquals(
        List.of(
            new Neighbour(
                9,
                Neighbour.AF_BRIDGE,
                IpNet.parseIp("192.168.5.2"),
                "02:aa:00:00:00:02",
                Neighbour.NUD_PERMANENT,
                Neighbour.NTF_SELF)),
        fdb);
  }

  @Test
  void modeFlagValues() {
    assertEquals(PodNetworkMode.HOST_GW, PodNetworkMode.parse("host-gw"));
    assertEquals(PodNetworkMode.VXLAN, PodNetworkMode.parse("VXLAN"));
    assertEquals(PodNetworkMode.NONE, PodNetworkMode.parse("none"));
    assertEquals("host-gw", PodNetworkMode.HOST_GW.flagValue());
    assertThrows(IllegalArgumentException.class, () -> PodNetworkMode.parse("udp"));
  }
}
