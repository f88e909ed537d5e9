package io.kuark.agent.network.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * A walk over a response message as received from an upstream: where each record's TTL sits (so a
 * cached copy can count its TTLs down in place), its type and section. Names are skipped, not
 * decoded.
 */
final class WireScan {

  static final int TYPE_OPT = 41;
  static final int TYPE_SOA = 6;

  /** One record: section 1 answer, 2 authority, 3 additional. */
  record Rr(int section, int type, int ttlOffset, long ttl, int rdataOffset, int rdLength) {}

  final int rcode;
  final boolean truncated;
  final int answerCount;
  final List<Rr> records;

  private WireScan(int rcode, boolean truncated, int answerCount, List<Rr> records) {
    this.rcode = rcode;
    this.truncated = truncated;
    this.answerCount = answerCount;
    this.records = records;
  }

  /** Scans {@code msg}; throws IllegalArgumentException when it is not a well-formed message. */
  static WireScan of(byte[] msg) {
    if (msg.length < DnsQuery.HEADER) {
      throw new IllegalArgumentException("DNS message shorter than its header");
    }
    int flags = u16(msg, 2);
    int qd = u16(msg, 4);
    int[] counts = {u16(msg, 6), u16(msg, 8), u16(msg, 10)};
    int pos = DnsQuery.HEADER;
    for (int i = 0; i < qd; i++) {
      pos = skipName(msg, pos) + 4;
    }
    List<Rr> records = new ArrayList<>();
    for (int section = 0; section < 3; section++) {
      for (int i = 0; i < counts[section]; i++) {
        pos = skipName(msg, pos);
        check(msg, pos + 10);
        int type = u16(msg, pos);
        long ttl = u32(msg, pos + 4);
        int rdLength = u16(msg, pos + 8);
        check(msg, pos + 10 + rdLength);
        records.add(new Rr(section + 1, type, pos + 4, ttl, pos + 10, rdLength));
        pos += 10 + rdLength;
      }
    }
    return new WireScan(flags & 0xf, (flags & DnsQuery.FLAG_TC) != 0, counts[0], records);
  }

  /**
   * How long this response may be cached in seconds, capped at {@code cap}; 0 for not at all.
   * Positive answers live as long as their shortest TTL, negative ones (NXDOMAIN, NODATA) as the
   * SOA's minimum (RFC 2308); failures and truncated answers are not cached.
   */
  long cacheSeconds(byte[] msg, long cap) {
    if (truncated || (rcode != 0 && rcode != 3)) {
      return 0;
    }
    long ttl = Long.MAX_VALUE;
    if (rcode == 0 && answerCount > 0) {
      for (Rr rr : records) {
        if (rr.section() == 1) {
          ttl = Math.min(ttl, rr.ttl());
        }
      }
    } else {
      for (Rr rr : records) {
        if (rr.section() == 2 && rr.type() == TYPE_SOA && rr.rdLength() >= 20) {
          long minimum = u32(msg, rr.rdataOffset() + rr.rdLength() - 4);
          ttl = Math.min(rr.ttl(), minimum);
        }
      }
    }
    return ttl == Long.MAX_VALUE ? 0 : Math.min(ttl, cap);
  }

  private static int skipName(byte[] msg, int pos) {
    while (true) {
      check(msg, pos + 1);
      int len = msg[pos] & 0xff;
      if (len == 0) {
        return pos + 1;
      }
      if ((len & 0xc0) == 0xc0) {
        return pos + 2; // a compression pointer ends the name
      }
      pos += 1 + len;
    }
  }

  private static void check(byte[] msg, int end) {
    if (end > msg.length) {
      throw new IllegalArgumentException("DNS message truncated at byte " + msg.length);
    }
  }

  static int u16(byte[] msg, int pos) {
    return ((msg[pos] & 0xff) << 8) | (msg[pos + 1] & 0xff);
  }

  static long u32(byte[] msg, int pos) {
    return ((long) u16(msg, pos) << 16) | u16(msg, pos + 2);
  }

  static void putU32(byte[] msg, int pos, long value) {
    msg[pos] = (byte) (value >>> 24);
    msg[pos + 1] = (byte) (value >>> 16);
    msg[pos + 2] = (byte) (value >>> 8);
    msg[pos + 3] = (byte) value;
  }
}
