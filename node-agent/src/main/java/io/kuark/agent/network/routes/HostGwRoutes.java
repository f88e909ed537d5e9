package io.kuark.agent.network.routes;

import io.kuark.cni.config.IpNet;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * host-gw mode: {@code <peer podCIDR> via <peer InternalIP> dev <uplink>} for every peer, like
 * flannel's host-gw backend. {@code onlink} is set when the peer is outside the uplink's subnets
 * (e.g. /32 node addresses on one segment).
 */
final class HostGwRoutes implements PeerRoutes {

  private final Netlink netlink;
  private final InetAddress localIp;

  HostGwRoutes(Netlink netlink, InetAddress localIp) {
    this.netlink = netlink;
    this.localIp = localIp;
  }

  @Override
  public void sync(PeerNode self, List<PeerNode> peers) {
    Uplink uplink = Uplink.find(netlink, localIp);
    OwnRoutes.apply(netlink, OwnRoutes.diff(OwnRoutes.list(netlink), wanted(peers, uplink)));
    // Left over from VXLAN mode: the overlay device is ours by name.
    netlink.deleteLink(VxlanRoutes.DEVICE);
  }

  /** The routes host-gw wants for {@code peers} (pure; unit-tested). */
  static List<Route> wanted(List<PeerNode> peers, Uplink uplink) {
    List<Route> out = new ArrayList<>();
    for (PeerNode peer : peers) {
      for (IpNet cidr : peer.podCidrs()) {
        Optional<InetAddress> gateway = peer.internalIpFor(cidr);
        if (gateway.isPresent()) {
          out.add(
              OwnRoutes.via(
                  cidr, gateway.get(), uplink.link().index(), !uplink.connects(gateway.get())));
        }
      }
    }
    return out;
  }
}
