package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;

/** Writes responses with Netty's record encoder, truncating (TC) to what the transport takes. */
final class DnsResponses {

  /** The EDNS payload size this server advertises (the DNS flag day 2020 value). */
  static final int EDNS_PAYLOAD = 1232;

  private DnsResponses() {}

  /**
   * An authoritative response to {@code query}; when it does not fit {@code limit} bytes, the
   * records are left out and TC is set so that the client retries over TCP.
   */
  static byte[] answer(DnsQuery query, DnsAnswer answer, int limit) {
    byte[] full = write(query, answer, true, false);
    if (full.length <= limit) {
      return full;
    }
    DnsAnswer empty = new DnsAnswer(answer.rcode(), List.of(), List.of(), List.of());
    return write(query, empty, true, true);
  }

  /** A response without records (FORMERR, NOTIMP, SERVFAIL, REFUSED). */
  static byte[] error(DnsQuery query, DnsResponseCode rcode) {
    return write(query, new DnsAnswer(rcode, List.of(), List.of(), List.of()), false, false);
  }

  /** A forwarded response cut to header and question with TC set (the client retries on TCP). */
  static byte[] truncate(byte[] response, DnsQuery query) {
    byte[] cut =
        write(
            query,
            new DnsAnswer(DnsResponseCode.NOERROR, List.of(), List.of(), List.of()),
            false,
            true);
    // keep the upstream's flags and rcode, set TC
    cut[2] = (byte) (response[2] | (DnsQuery.FLAG_TC >> 8));
    cut[3] = response[3];
    return cut;
  }

  private static byte[] write(DnsQuery query, DnsAnswer answer, boolean authoritative, boolean tc) {
    ByteBuf out = Unpooled.buffer(512);
    int flags =
        DnsQuery.FLAG_QR
            | (query.opcode() << 11)
            | (query.flags() & DnsQuery.FLAG_RD)
            | DnsQuery.FLAG_RA
            | (answer.rcode().intValue() & 0xf);
    if (authoritative) {
      flags |= DnsQuery.FLAG_AA;
    }
    if (tc) {
      flags |= DnsQuery.FLAG_TC;
    }
    int additional = answer.additional().size() + (query.edns() ? 1 : 0);
    out.writeShort(query.id()).writeShort(flags);
    out.writeShort(query.question() == null ? 0 : 1);
    out.writeShort(answer.answers().size());
    out.writeShort(answer.authority().size());
    out.writeShort(additional);
    try {
      if (query.question() != null) {
        DnsRecordEncoder.DEFAULT.encodeQuestion(query.question(), out);
      }
      encode(answer.answers(), out);
      encode(answer.authority(), out);
      encode(answer.additional(), out);
      if (query.edns()) {
        DnsRecordEncoder.DEFAULT.encodeRecord(
            new DefaultDnsRawRecord("", DnsRecordType.OPT, EDNS_PAYLOAD, 0, Unpooled.EMPTY_BUFFER),
            out);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot encode DNS response", e);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }

  private static void encode(List<DnsRecord> records, ByteBuf out) throws Exception {
    for (DnsRecord record : records) {
      DnsRecordEncoder.DEFAULT.encodeRecord(record, out);
    }
  }
}
