package io.kuark.cni.config;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address with a prefix length, as CNI writes them ("10.99.0.2/24"). {@link #address()} keeps
 * the host bits; {@link #network()} clears them.
 */
public record IpNet(InetAddress address, int prefixLength) {

  public static IpNet parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    InetAddress ip = parseIp(cidr.substring(0, slash));
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    if (prefix < 0 || prefix > ip.getAddress().length * 8) {
      throw new IllegalArgumentException("bad prefix length in " + cidr);
    }
    return new IpNet(ip, prefix);
  }

  /** Parses a literal IP address (never a host name: no DNS lookups). */
  public static InetAddress parseIp(String text) {
    String s = text.trim();
    if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.matches("[0-9.]+"))) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
    }
  }

  public boolean isV4() {
    return address instanceof Inet4Address;
  }

  public int bits() {
    return address.getAddress().length * 8;
  }

  public InetAddress network() {
    return fromBig(toBig(address).andNot(hostMask()), bits());
  }

  /** The highest address in the subnet (the IPv4 broadcast). */
  public InetAddress last() {
    return fromBig(toBig(address).or(hostMask()), bits());
  }

  public boolean contains(InetAddress ip) {
    if (ip.getAddress().length != address.getAddress().length) {
      return false;
    }
    return toBig(ip).andNot(hostMask()).equals(toBig(address).andNot(hostMask()));
  }

  /** This subnet with host bits cleared. */
  public IpNet canonical() {
    return new IpNet(network(), prefixLength);
  }

  @Override
  public String toString() {
    return format(address) + "/" + prefixLength;
  }

  private BigInteger hostMask() {
    return BigInteger.ONE.shiftLeft(bits() - prefixLength).subtract(BigInteger.ONE);
  }

  /** Canonical text: IPv6 compressed like Go prints it ("fd00::2"). */
  public static String format(InetAddress ip) {
    if (ip instanceof Inet4Address) {
      return ip.getHostAddress();
    }
    byte[] b = ip.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(words[i]));
    }
    return s.toString();
  }

  public static BigInteger toBig(InetAddress ip) {
    return new BigInteger(1, ip.getAddress());
  }

  public static InetAddress fromBig(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[bits / 8];
    int copy = Math.min(raw.length, out.length);
    System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
    try {
      return InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public static InetAddress next(InetAddress ip) {
    return fromBig(toBig(ip).add(BigInteger.ONE), ip.getAddress().length * 8);
  }
}
