package io.kuark.agent.network.routes;

import io.kuark.cni.config.IpNet;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.Netlink;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The link that carries the node's InternalIP, and the subnets connected to it: peers in one of
 * them are plain next hops, other peers on the same segment need {@code onlink}.
 *
 * @param link the uplink
 * @param subnets the uplink's address subnets
 */
record Uplink(Link link, List<IpNet> subnets) {

  /** Finds the link holding {@code localIp}; IllegalStateException when none does. */
  static Uplink find(Netlink netlink, InetAddress localIp) {
    for (IfAddress address : netlink.addresses(0)) {
      if (address.address().equals(localIp)) {
        Link link =
            netlink
                .link(address.linkIndex())
                .orElseThrow(() -> new IllegalStateException("uplink vanished"));
        List<IpNet> subnets = new ArrayList<>();
        for (IfAddress a : netlink.addresses(0)) {
          if (a.linkIndex() == link.index()) {
            subnets.add(new IpNet(a.address(), a.prefixLength()).canonical());
          }
        }
        return new Uplink(link, subnets);
      }
    }
    throw new IllegalStateException(
        "node IP " + localIp.getHostAddress() + " is not assigned to any link");
  }

  /** True if {@code ip} is inside a subnet connected to the uplink. */
  boolean connects(InetAddress ip) {
    for (IpNet subnet : subnets) {
      if (subnet.contains(ip)) {
        return true;
      }
    }
    return false;
  }
}
