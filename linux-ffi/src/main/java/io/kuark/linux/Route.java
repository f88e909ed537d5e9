package io.kuark.linux;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A route as rtnetlink carries it.
 *
 * @param ipv6 address family (true for AF_INET6)
 * @param destination destination network address, null for the default route
 * @param prefixLength destination prefix length (0 for default)
 * @param gateway next hop, or null
 * @param linkIndex output interface, or 0
 * @param table routing table (254 = main)
 * @param type RTN_* (1 unicast, 6 blackhole, 7 unreachable)
 * @param scope RT_SCOPE_* (0 universe, 253 link, 254 host)
 * @param protocol RTPROT_* (2 kernel, 3 boot, 4 static)
 * @param metric RTA_PRIORITY, or 0
 * @param onlink RTNH_F_ONLINK: the gateway is on-link even without a matching subnet route
 * @param source preferred source address (RTA_PREFSRC), or null
 */
public record Route(
    boolean ipv6,
    InetAddress destination,
    int prefixLength,
    InetAddress gateway,
    int linkIndex,
    int table,
    int type,
    int scope,
    int protocol,
    int metric,
    boolean onlink,
    InetAddress source) {
  public static final int TABLE_MAIN = 254;
  public static final int TYPE_UNICAST = 1;
  public static final int TYPE_BLACKHOLE = 6;
  public static final int SCOPE_UNIVERSE = 0;
  public static final int SCOPE_LINK = 253;
  public static final int SCOPE_HOST = 254;
  public static final int PROTO_KERNEL = 2;
  public static final int PROTO_BOOT = 3;
  public static final int PROTO_STATIC = 4;

  /** A unicast route via {@code gateway} (optionally pinned to {@code linkIndex}), main table. */
  public static Route via(
      InetAddress destination, int prefixLength, InetAddress gateway, int linkIndex) {
    return new Route(
        isV6(destination != null ? destination : gateway),
        destination,
        prefixLength,
        gateway,
        linkIndex,
        TABLE_MAIN,
        TYPE_UNICAST,
        SCOPE_UNIVERSE,
        PROTO_BOOT,
        0,
        false,
        null);
  }

  /** A directly connected route out of {@code linkIndex} (scope link), main table. */
  public static Route dev(InetAddress destination, int prefixLength, int linkIndex) {
    return new Route(
        isV6(destination),
        destination,
        prefixLength,
        null,
        linkIndex,
        TABLE_MAIN,
        TYPE_UNICAST,
        SCOPE_LINK,
        PROTO_BOOT,
        0,
        false,
        null);
  }

  /** A blackhole route (packets to it are silently dropped), main table. */
  public static Route blackhole(InetAddress destination, int prefixLength) {
    return new Route(
        isV6(destination),
        destination,
        prefixLength,
        null,
        0,
        TABLE_MAIN,
        TYPE_BLACKHOLE,
        SCOPE_UNIVERSE,
        PROTO_BOOT,
        0,
        false,
        null);
  }

  public Route withOnlink(boolean value) {
    return new Route(
        ipv6,
        destination,
        prefixLength,
        gateway,
        linkIndex,
        table,
        type,
        scope,
        protocol,
        metric,
        value,
        source);
  }

  public Route withTable(int value) {
    return new Route(
        ipv6,
        destination,
        prefixLength,
        gateway,
        linkIndex,
        value,
        type,
        scope,
        protocol,
        metric,
        onlink,
        source);
  }

  public Route withScope(int value) {
    return new Route(
        ipv6,
        destination,
        prefixLength,
        gateway,
        linkIndex,
        table,
        type,
        value,
        protocol,
        metric,
        onlink,
        source);
  }

  public Route withMetric(int value) {
    return new Route(
        ipv6,
        destination,
        prefixLength,
        gateway,
        linkIndex,
        table,
        type,
        scope,
        protocol,
        value,
        onlink,
        source);
  }

  public Route withSource(InetAddress value) {
    return new Route(
        ipv6,
        destination,
        prefixLength,
        gateway,
        linkIndex,
        table,
        type,
        scope,
        protocol,
        metric,
        onlink,
        value);
  }

  /** True for the default route of its family. */
  public boolean isDefault() {
    return destination == null || prefixLength == 0;
  }

  /** Destination in CIDR notation ("default" for the default route). */
  public String destinationCidr() {
    return isDefault() ? "default" : destination.getHostAddress() + "/" + prefixLength;
  }

  private static boolean isV6(InetAddress address) {
    return address instanceof Inet6Address;
  }
}
