package io.kuark.server.controller.nodeipam;

import java.util.BitSet;
import java.util.Optional;

/**
 * Hands out fixed-size IPv4 subnets of a cluster CIDR (e.g. /24s of 10.42.0.0/16), lowest free
 * first. Remembers which are taken; never hands out one twice until it is released. Thread-safe.
 */
public final class CidrAllocator {
  private final int base;
  private final int clusterPrefix;
  private final int nodePrefix;
  private final int count;
  private final BitSet used = new BitSet();

  /**
   * @throws IllegalArgumentException for malformed or non-IPv4 CIDRs, or a node mask not longer
   *     than the cluster mask
   */
  public CidrAllocator(String clusterCidr, int nodeMaskSize) {
    String[] parts = clusterCidr.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a CIDR: " + clusterCidr);
    }
    this.clusterPrefix = Integer.parseInt(parts[1]);
    if (clusterPrefix < 0
        || clusterPrefix > 32
        || nodeMaskSize <= clusterPrefix
        || nodeMaskSize > 32) {
      throw new IllegalArgumentException(
          "node mask /" + nodeMaskSize + " does not fit in " + clusterCidr);
    }
    int mask = clusterPrefix == 0 ? 0 : -1 << (32 - clusterPrefix);
    this.base = parseIpv4(parts[0]) & mask;
    this.nodePrefix = nodeMaskSize;
    int bits = nodeMaskSize - clusterPrefix;
    this.count = bits >= 31 ? Integer.MAX_VALUE : 1 << bits;
  }

  static int parseIpv4(String s) {
    String[] octets = s.split("\\.");
    if (octets.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + s);
    }
    int v = 0;
    for (String o : octets) {
      int b = Integer.parseInt(o);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + s);
      }
      v = (v << 8) | b;
    }
    return v;
  }

  static String formatIpv4(int v) {
    return ((v >>> 24) & 255)
        + "."
        + ((v >>> 16) & 255)
        + "."
        + ((v >>> 8) & 255)
        + "."
        + (v & 255);
  }

  /** Index of {@code cidr} among this allocator's subnets, or -1 when it is not one of them. */
  private int indexOf(String cidr) {
    String[] parts = cidr.trim().split("/");
    if (parts.length != 2 || Integer.parseInt(parts[1]) != nodePrefix) {
      return -1;
    }
    int ip;
    try {
      ip = parseIpv4(parts[0]);
    } catch (IllegalArgumentException e) {
      return -1;
    }
    long offset = Integer.toUnsignedLong(ip) - Integer.toUnsignedLong(base);
    long size = 1L << (32 - nodePrefix);
    if (offset < 0 || offset % size != 0 || offset / size >= count) {
      return -1;
    }
    return (int) (offset / size);
  }

  /** Marks {@code cidr} as taken (e.g. found on an existing Node). False if outside the range. */
  public synchronized boolean occupy(String cidr) {
    int i = indexOf(cidr);
    if (i < 0) {
      return false;
    }
    used.set(i);
    return true;
  }

  public synchronized boolean isOccupied(String cidr) {
    int i = indexOf(cidr);
    return i >= 0 && used.get(i);
  }

  public synchronized void release(String cidr) {
    int i = indexOf(cidr);
    if (i >= 0) {
      used.clear(i);
    }
  }

  /** The lowest free subnet, now taken; empty when the range is exhausted. */
  public synchronized Optional<String> allocate() {
    int i = used.nextClearBit(0);
    if (i >= count) {
      return Optional.empty();
    }
    used.set(i);
    long size = 1L << (32 - nodePrefix);
    int ip = (int) (Integer.toUnsignedLong(base) + i * size);
    return Optional.of(formatIpv4(ip) + "/" + nodePrefix);
  }
}
