package io.kuark.agent.network.routes;

import io.kuark.cni.config.IpNet;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The routes the agent owns: main-table routes carrying {@link #PROTOCOL} as their rtnetlink
 * protocol ({@code ip route} shows {@code proto 75}). The marker is what lets the agent delete
 * stale routes after a restart without ever touching a route somebody else made.
 */
final class OwnRoutes {

  private static final Logger LOG = Logger.getLogger(OwnRoutes.class);

  /** RTPROT value of Kuark's routes: 75 ('K'), unassigned in iproute2's rt_protos. */
  static final int PROTOCOL = 75;

  private OwnRoutes() {}

  /** A Kuark unicast route to {@code cidr} via {@code gateway} out of {@code linkIndex}. */
  static Route via(IpNet cidr, InetAddress gateway, int linkIndex, boolean onlink) {
    return new Route(
        !cidr.isV4(),
        cidr.network(),
        cidr.prefixLength(),
        gateway,
        linkIndex,
        Route.TABLE_MAIN,
        Route.TYPE_UNICAST,
        Route.SCOPE_UNIVERSE,
        PROTOCOL,
        0,
        onlink,
        null);
  }

  /** The agent's routes now in the kernel, keyed by destination CIDR. */
  static Map<String, Route> list(Netlink netlink) {
    Map<String, Route> out = new LinkedHashMap<>();
    for (Route route : netlink.routes(0)) {
      if (route.protocol() == PROTOCOL && route.table() == Route.TABLE_MAIN) {
        out.put(route.destinationCidr(), route);
      }
    }
    return out;
  }

  /** Wanted routes keyed like {@link #list}. */
  static Map<String, Route> keyed(List<Route> routes) {
    Map<String, Route> out = new LinkedHashMap<>();
    for (Route route : routes) {
      out.put(route.destinationCidr(), route);
    }
    return out;
  }

  /** The fields the agent sets; anything else the kernel reports (scope, flags) is ignored. */
  static boolean same(Route a, Route b) {
    return a.type() == b.type()
        && a.linkIndex() == b.linkIndex()
        && a.onlink() == b.onlink()
        && Objects.equals(a.gateway(), b.gateway());
  }

  /** The route changes that make the agent's routes equal {@code wanted}. */
  static KeyedDiff<Route> diff(Map<String, Route> existing, List<Route> wanted) {
    return KeyedDiff.of(existing, keyed(wanted), OwnRoutes::same);
  }

  /** Applies a diff: removals first (a destination moving between modes is then re-added). */
  static void apply(Netlink netlink, KeyedDiff<Route> diff) {
    for (Route route : diff.remove()) {
      netlink.deleteRoute(route);
      LOG.infof("removed route %s", describe(route));
    }
    for (Route route : diff.upsert()) {
      netlink.replaceRoute(route);
      LOG.infof("route %s", describe(route));
    }
  }

  private static String describe(Route route) {
    return route.destinationCidr()
        + (route.gateway() == null ? "" : " via " + route.gateway().getHostAddress())
        + (route.onlink() ? " onlink" : "")
        + " dev #"
        + route.linkIndex();
  }
}
