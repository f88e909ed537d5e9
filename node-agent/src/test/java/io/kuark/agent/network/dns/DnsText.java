package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Zone-file style text of records, so tests read like dig output. */
final class DnsText {
  private DnsText() {}

  static List<String> of(List<DnsRecord> records) {
    List<String> lines = new ArrayList<>();
    for (DnsRecord r : records) {
      lines.add(of(r));
    }
    return lines;
  }

  static String of(DnsRecord r) {
    String head = r.name() + " " + r.timeToLive() + " " + r.type().name() + " ";
    if (r instanceof DnsPtrRecord ptr) {
      return head + ptr.hostname();
    }
    ByteBuf data = ((DnsRawRecord) r).content().duplicate();
    try {
      if (r.type() == DnsRecordType.A || r.type() == DnsRecordType.AAAA) {
        byte[] ip = new byte[data.readableBytes()];
        data.readBytes(ip);
        return head + InetAddress.getByAddress(ip).getHostAddress();
      }
      if (r.type() == DnsRecordType.SRV) {
        return head
            + data.readUnsignedShort()
            + " "
            + data.readUnsignedShort()
            + " "
            + data.readUnsignedShort()
            + " "
            + name(data);
      }
      if (r.type() == DnsRecordType.SOA) {
        return head + name(data) + " " + name(data);
      }
      return head + name(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String name(ByteBuf data) {
    StringBuilder s = new StringBuilder();
    int len;
    while ((len = data.readUnsignedByte()) != 0) {
      byte[] label = new byte[len];
      data.readBytes(label);
      s.append(new String(label)).append('.');
    }
    return s.toString();
  }
}
