package io.kuark.server.api.alloc;

/**
 * An IPv4 CIDR block such as {@code 10.43.0.0/16}.
 *
 * @param base network address as an unsigned 32-bit value
 * @param prefix prefix length
 */
public record Cidr(long base, int prefix) {

  public static Cidr parse(String text) {
    String[] parts = text.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a CIDR: " + text);
    }
    int prefix = Integer.parseInt(parts[1]);
    if (prefix < 1 || prefix > 30) {
      throw new IllegalArgumentException("unsupported prefix length in " + text);
    }
    long ip = toLong(parts[0]);
    long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    return new Cidr(ip & mask, prefix);
  }

  /** Number of usable host addresses (network and broadcast excluded). */
  public long usable() {
    return (1L << (32 - prefix)) - 2;
  }

  /** The n-th usable address, n from 1. */
  public String host(long n) {
    return toText(base + n);
  }

  /** The host index of {@code ip}, or -1 when it is not a usable address of this block. */
  public long indexOf(String ip) {
    long value;
    try {
      value = toLong(ip);
    } catch (IllegalArgumentException e) {
      return -1;
    }
    long n = value - base;
    return n >= 1 && n <= usable() ? n : -1;
  }

  @Override
  public String toString() {
    return toText(base) + "/" + prefix;
  }

  static long toLong(String ip) {
    String[] octets = ip.split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    long value = 0;
    for (String o : octets) {
      int b = Integer.parseInt(o);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      value = (value << 8) | b;
    }
    return value;
  }

  static String toText(long value) {
    return ((value >> 24) & 255)
        + "."
        + ((value >> 16) & 255)
        + "."
        + ((value >> 8) & 255)
        + "."
        + (value & 255);
  }
}
