package io.kuark.cni.bridge;

import io.kuark.cni.CniException;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.Errno;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.Netlink;
import io.kuark.linux.NetlinkException;
import java.util.Optional;

/** The bridge device: created on first use, and the gateway addresses on it. */
final class Bridges {
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;

  private Bridges() {}

  /**
   * Returns the bridge, creating it (with MTU, promisc, vlan filtering) and bringing it up. An
   * existing bridge in the wanted state costs one look-up.
   */
  static Link ensure(Netlink nl, BridgeConf conf, HostNetwork host) {
    Optional<Link> existing = nl.link(conf.bridge());
    Link br;
    if (existing.isPresent()) {
      br = existing.get();
    } else {
      try {
        nl.createBridge(conf.bridge(), conf.mtu(), conf.vlan() != 0);
        if (conf.isGateway()) {
          // Pin the MAC, as the reference does for gateways: otherwise the bridge adopts the
          // lowest port MAC and the gateway's MAC changes as pods come and go.
          nl.setMac(conf.bridge(), nl.requireLink(conf.bridge()).mac());
        }
        // The bridge's routes are ours; router advertisements must not add any.
        try {
          host.sysctl("net/ipv6/conf/" + conf.bridge() + "/accept_ra", "0");
        } catch (RuntimeException e) {
          // IPv6 disabled on this host: nothing to turn off
        }
      } catch (NetlinkException e) {
        if (e.errno() != Errno.EEXIST) {
          throw new CniException(
              CniException.PLUGIN_FAILURE,
              "failed to create bridge \"" + conf.bridge() + "\": " + e.getMessage(),
              e);
        }
        // Lost a race with a concurrent ADD: use the bridge it made.
      }
      br = nl.requireLink(conf.bridge());
    }
    if (!"bridge".equals(br.kind())) {
      throw new CniException(
          CniException.PLUGIN_FAILURE,
          "\"" + conf.bridge() + "\" already exists but is not a bridge");
    }
    boolean changed = false;
    if (conf.promiscMode() && !br.isPromisc()) {
      nl.setPromisc(conf.bridge(), true);
      changed = true;
    }
    if (!br.isUp()) {
      nl.setUp(conf.bridge(), true);
      changed = true;
    }
    return changed ? nl.requireLink(conf.bridge()) : br;
  }

  /**
   * Puts {@code gateway} on the bridge. Like the reference: an IPv4 bridge carries one address (a
   * different one is an error unless forceAddress replaces it); IPv6 addresses coexist unless their
   * subnets overlap.
   */
  static void ensureAddress(
      Netlink nl, String bridge, int bridgeIndex, IpNet gateway, boolean forceAddress) {
    // Only the gateway's family: the host's IPv6 list grows with every pod (link-local addresses
    // of the host veth ends).
    for (IfAddress a : nl.addresses(gateway.isV4() ? AF_INET : AF_INET6)) {
      if (a.linkIndex() != bridgeIndex
          || a.scope() != 0
          || a.address().getAddress().length != gateway.address().getAddress().length) {
        continue;
      }
      if (a.address().equals(gateway.address())) {
        return;
      }
      IpNet existing = new IpNet(a.address(), a.prefixLength());
      boolean conflict =
          gateway.isV4() || existing.contains(gateway.address()) || gateway.contains(a.address());
      if (conflict) {
        if (!forceAddress) {
          throw new CniException(
              CniException.PLUGIN_FAILURE,
              "\"" + bridge + "\" already has an IP address different from " + gateway);
        }
        nl.deleteAddress(bridge, a.address(), a.prefixLength());
      }
    }
    try {
      nl.addAddress(bridge, gateway.address(), gateway.prefixLength());
    } catch (NetlinkException e) {
      if (e.errno() != Errno.EEXIST) {
        throw e;
      }
    }
  }
}
