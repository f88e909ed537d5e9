package io.kuark.agent.network.dns;

import io.netty.util.NetUtil;

/** Reads the address out of a reverse-lookup name ({@code in-addr.arpa} / {@code ip6.arpa}). */
final class ReverseNames {

  private ReverseNames() {}

  /**
   * The canonical address, or null when the name is not a complete reverse name (partial names like
   * {@code 10.in-addr.arpa.} denote networks, not addresses).
   */
  static String address(String name) {
    String n = KubernetesZone.absolute(name);
    if (n.endsWith(".in-addr.arpa.")) {
      String[] labels = n.substring(0, n.length() - ".in-addr.arpa.".length()).split("\\.");
      if (labels.length != 4) {
        return null;
      }
      String ip = labels[3] + "." + labels[2] + "." + labels[1] + "." + labels[0];
      return NetUtil.isValidIpV4Address(ip) ? KubernetesZone.canonical(ip) : null;
    }
    if (n.endsWith(".ip6.arpa.")) {
      String[] nibbles = n.substring(0, n.length() - ".ip6.arpa.".length()).split("\\.");
      if (nibbles.length != 32) {
        return null;
      }
      StringBuilder ip = new StringBuilder();
      for (int i = 31; i >= 0; i--) {
        if (nibbles[i].length() != 1 || Character.digit(nibbles[i].charAt(0), 16) < 0) {
          return null;
        }
        ip.append(nibbles[i]);
        if (i % 4 == 0 && i > 0) {
          ip.append(':');
        }
      }
      return KubernetesZone.canonical(ip.toString());
    }
    return null;
  }

  /** The reverse name of an address, e.g. {@code 10.0.43.10.in-addr.arpa.}. */
  static String of(String ip) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    StringBuilder name = new StringBuilder();
    if (bytes.length == 4) {
      for (int i = 3; i >= 0; i--) {
        name.append(bytes[i] & 0xff).append('.');
      }
      return name.append("in-addr.arpa.").toString();
    }
    for (int i = 15; i >= 0; i--) {
      name.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.');
      name.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
    }
    return name.append("ip6.arpa.").toString();
  }
}
