package io.kuark.agent.network.dns;

import io.kuark.linux.Errno;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Netlink;
import io.kuark.linux.NetlinkException;
import java.net.InetAddress;
import org.jboss.logging.Logger;

/**
 * The host link holding the cluster DNS address as a /32, so that the node itself owns that
 * address: pods send DNS to it through their default gateway (the host) and the kernel delivers
 * locally, since local addresses win over the service CIDR's blackhole route. A dummy link as
 * NodeLocal DNSCache uses; on kernels built without the dummy driver, an empty bridge does the same
 * job.
 */
final class DnsLink {

  private static final Logger LOG = Logger.getLogger(DnsLink.class);

  private final Netlink netlink;
  private final String name;
  private final InetAddress address;

  DnsLink(Netlink netlink, String name, InetAddress address) {
    this.netlink = netlink;
    this.name = name;
    this.address = address;
  }

  /** Creates the link (if missing), sets it up and adds the address (if missing). Idempotent. */
  void ensure() {
    if (netlink.link(name).isEmpty()) {
      try {
        netlink.createDummy(name);
      } catch (NetlinkException e) {
        if (e.errno() != Errno.ENOTSUP) {
          throw e;
        }
        LOG.infof("kernel has no dummy links; %s is an empty bridge instead", name);
        netlink.createBridge(name, 0, false);
      }
    }
    netlink.setUp(name, true);
    int prefix = address.getAddress().length * 8;
    for (IfAddress existing : netlink.addresses(name)) {
      if (existing.address().equals(address) && existing.prefixLength() == prefix) {
        return;
      }
    }
    netlink.addAddress(name, address, prefix);
  }

  /** Deletes the link (and with it the address); a missing link is fine. */
  void remove() {
    netlink.deleteLink(name);
  }
}
