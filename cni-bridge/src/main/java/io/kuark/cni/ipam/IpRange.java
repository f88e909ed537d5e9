package io.kuark.cni.ipam;

import io.kuark.cni.config.IpNet;
import java.math.BigInteger;
import java.net.InetAddress;

/**
 * One host-local range with the reference defaults filled in: start = network + 1, end = last
 * address (minus the broadcast for IPv4), gateway = network + 1.
 */
public record IpRange(IpNet subnet, InetAddress start, InetAddress end, InetAddress gateway) {

  public static IpRange of(IpNet subnet, InetAddress start, InetAddress end, InetAddress gateway) {
    IpNet net = subnet.canonical();
    int bits = net.bits();
    if (net.isV4() && net.prefixLength() > 30) {
      throw new IllegalArgumentException("network " + net + " too small to allocate from");
    }
    InetAddress first = IpNet.next(net.network());
    BigInteger lastBig = IpNet.toBig(net.last());
    if (net.isV4()) {
      lastBig = lastBig.subtract(BigInteger.ONE);
    }
    InetAddress last = IpNet.fromBig(lastBig, bits);
    InetAddress s = start != null ? start : first;
    InetAddress e = end != null ? end : last;
    for (InetAddress ip : new InetAddress[] {s, e}) {
      if (!net.contains(ip)) {
        throw new IllegalArgumentException(IpNet.format(ip) + " not in network " + net);
      }
    }
    if (IpNet.toBig(s).compareTo(IpNet.toBig(e)) > 0) {
      throw new IllegalArgumentException(
          "range start " + IpNet.format(s) + " after end " + IpNet.format(e));
    }
    return new IpRange(net, s, e, gateway != null ? gateway : first);
  }

  public boolean contains(InetAddress ip) {
    if (!subnet.contains(ip)) {
      return false;
    }
    BigInteger v = IpNet.toBig(ip);
    return v.compareTo(IpNet.toBig(start)) >= 0 && v.compareTo(IpNet.toBig(end)) <= 0;
  }

  @Override
  public String toString() {
    return IpNet.format(start) + "-" + IpNet.format(end);
  }
}
