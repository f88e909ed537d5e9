package io.kuark.agent.linux;

import io.kuark.linux.Linux;
import io.kuark.linux.LinuxException;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** {@link HostRoutes} through linux-ffi's rtnetlink (the host network namespace unless told). */
public final class NetlinkHostRoutes implements HostRoutes {

  /**
   * Metric of the safety blackholes. Not 0: the service CIDR also gets a metric-0 route into the
   * local DNS link, and the kernel takes the lowest metric among routes of one prefix. That route
   * lets the host's own sockets pick a route to a ClusterIP at all (a blackhole fails connect()
   * with EINVAL before the proxy's output DNAT runs) while nothing can leave: an undNATed packet
   * dies in the dummy link, and without the link the blackhole is back in force.
   */
  public static final int FALLBACK_METRIC = 1000;

  private final Supplier<Netlink> netlinks;

  public NetlinkHostRoutes(Linux linux) {
    this(linux::netlink);
  }

  /** Routes in whatever namespace {@code netlinks} opens sockets in (tests use their own netns). */
  public NetlinkHostRoutes(Supplier<Netlink> netlinks) {
    this.netlinks = netlinks;
  }

  @Override
  public void ensureBlackhole(String cidr) throws IOException {
    Prefix p = Prefix.parse(cidr);
    Route wanted = Route.blackhole(p.network(), p.length()).withMetric(FALLBACK_METRIC);
    try (Netlink netlink = netlinks.get()) {
      List<Route> others = new ArrayList<>();
      boolean present = false;
      for (Route route : sameDestination(netlink, p)) {
        if (route.type() == Route.TYPE_BLACKHOLE) {
          if (route.metric() == FALLBACK_METRIC) {
            present = true;
          } else {
            others.add(route);
          }
        }
      }
      if (!present) {
        netlink.addRoute(wanted);
      }
      // Older agents installed the blackhole at metric 0, where it shadows the local route. The
      // fallback is in place by now, so dropping the old one never leaves the prefix uncovered.
      for (Route old : others) {
        netlink.deleteRoute(old);
      }
    } catch (LinuxException e) {
      throw new IOException("cannot add blackhole route " + cidr + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void ensureLocalRoute(String cidr, String link) throws IOException {
    Prefix p = Prefix.parse(cidr);
    try (Netlink netlink = netlinks.get()) {
      int index = netlink.requireLink(link).index();
      for (Route route : sameDestination(netlink, p)) {
        if (route.type() == Route.TYPE_UNICAST
            && route.linkIndex() == index
            && route.gateway() == null
            && route.metric() == 0) {
          return;
        }
      }
      netlink.addRoute(Route.dev(p.network(), p.length(), index));
    } catch (LinuxException e) {
      throw new IOException("cannot route " + cidr + " into " + link + ": " + e.getMessage(), e);
    }
  }

  private static List<Route> sameDestination(Netlink netlink, Prefix p) {
    List<Route> out = new ArrayList<>();
    for (Route route : netlink.routes(p.network().getAddress().length == 16 ? 10 : 2)) {
      if (route.table() == Route.TABLE_MAIN
          && route.prefixLength() == p.length()
          && p.network().equals(route.destination())) {
        out.add(route);
      }
    }
    return out;
  }

  private record Prefix(InetAddress network, int length) {
    static Prefix parse(String cidr) throws IOException {
      int slash = cidr.indexOf('/');
      if (slash < 0) {
        throw new IOException("not a CIDR: " + cidr);
      }
      try {
        return new Prefix(
            InetAddress.getByName(cidr.substring(0, slash)),
            Integer.parseInt(cidr.substring(slash + 1)));
      } catch (NumberFormatException e) {
        throw new IOException("not a CIDR: " + cidr, e);
      }
    }
  }
}
