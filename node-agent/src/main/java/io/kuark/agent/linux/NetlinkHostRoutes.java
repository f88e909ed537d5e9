package io.kuark.agent.linux;

import io.kuark.linux.Linux;
import io.kuark.linux.LinuxException;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.io.IOException;
import java.net.InetAddress;

/** {@link HostRoutes} through linux-ffi's rtnetlink in the host network namespace. */
public final class NetlinkHostRoutes implements HostRoutes {

  private final Linux linux;

  public NetlinkHostRoutes(Linux linux) {
    this.linux = linux;
  }

  @Override
  public void ensureBlackhole(String cidr) throws IOException {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IOException("not a CIDR: " + cidr);
    }
    InetAddress network = InetAddress.getByName(cidr.substring(0, slash));
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    Route wanted = Route.blackhole(network, prefix);
    try (Netlink netlink = linux.netlink()) {
      for (Route route : netlink.routes(wanted.ipv6() ? 10 : 2)) {
        if (route.type() == Route.TYPE_BLACKHOLE
            && route.table() == Route.TABLE_MAIN
            && route.prefixLength() == prefix
            && network.equals(route.destination())) {
          return;
        }
      }
      netlink.addRoute(wanted);
    } catch (LinuxException e) {
      throw new IOException("cannot add blackhole route " + cidr + ": " + e.getMessage(), e);
    }
  }
}
