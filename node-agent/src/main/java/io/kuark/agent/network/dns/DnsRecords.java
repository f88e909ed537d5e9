package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** Builds resource records as Netty's DNS codec writes them (names uncompressed in RDATA). */
final class DnsRecords {

  private DnsRecords() {}

  static DnsRecord address(String name, InetAddress ip, long ttl) {
    DnsRecordType type = ip.getAddress().length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
    return new DefaultDnsRawRecord(
        name, type, ttl, Unpooled.wrappedBuffer(ip.getAddress()).asReadOnly());
  }

  static DnsRecord cname(String name, String target, long ttl) {
    return raw(name, DnsRecordType.CNAME, ttl, encodeName(target));
  }

  static DnsRecord ptr(String name, String target, long ttl) {
    return new DefaultDnsPtrRecord(name, DnsRecord.CLASS_IN, ttl, target);
  }

  static DnsRecord ns(String name, String target, long ttl) {
    return raw(name, DnsRecordType.NS, ttl, encodeName(target));
  }

  static DnsRecord srv(String name, int priority, int weight, int port, String target, long ttl) {
    byte[] host = encodeName(target);
    ByteBuf data = Unpooled.buffer(6 + host.length);
    data.writeShort(priority).writeShort(weight).writeShort(port).writeBytes(host);
    return new DefaultDnsRawRecord(name, DnsRecordType.SRV, ttl, data);
  }

  /** SOA with the refresh/retry/expire values CoreDNS uses; {@code minimum} is the negative TTL. */
  static DnsRecord soa(String zone, String mname, String rname, long serial, long minimum) {
    byte[] m = encodeName(mname);
    byte[] r = encodeName(rname);
    ByteBuf data = Unpooled.buffer(m.length + r.length + 20);
    data.writeBytes(m).writeBytes(r);
    data.writeInt((int) serial).writeInt(7200).writeInt(1800).writeInt(86400);
    data.writeInt((int) minimum);
    return new DefaultDnsRawRecord(zone, DnsRecordType.SOA, minimum, data);
  }

  private static DnsRecord raw(String name, DnsRecordType type, long ttl, byte[] data) {
    return new DefaultDnsRawRecord(name, type, ttl, Unpooled.wrappedBuffer(data));
  }

  /** A domain name in wire format without compression (RFC 1035 3.1). */
  static byte[] encodeName(String name) {
    ByteBuf out = Unpooled.buffer(name.length() + 2);
    for (String label : name.split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length > 63) {
        throw new IllegalArgumentException("DNS label longer than 63 bytes in " + name);
      }
      out.writeByte(bytes.length).writeBytes(bytes);
    }
    out.writeByte(0);
    byte[] result = new byte[out.readableBytes()];
    out.readBytes(result);
    return result;
  }
}
