package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.ReferenceCountUtil;

/**
 * A query as received: its raw bytes (forwarded unchanged but for the ID) and what the server needs
 * from it, decoded with Netty's DNS record decoder.
 *
 * @param question the only question, or null when the message had none/several or was malformed
 * @param ednsPayload the client's EDNS UDP payload size, or 0 without EDNS
 */
record DnsQuery(byte[] raw, int id, int flags, DnsQuestion question, int ednsPayload) {

  static final int HEADER = 12;
  static final int FLAG_QR = 0x8000;
  static final int FLAG_AA = 0x0400;
  static final int FLAG_TC = 0x0200;
  static final int FLAG_RD = 0x0100;
  static final int FLAG_RA = 0x0080;

  int opcode() {
    return (flags >> 11) & 0xf;
  }

  boolean edns() {
    return ednsPayload > 0;
  }

  /** The largest response the client takes over UDP (RFC 1035: 512 without EDNS). */
  int udpLimit() {
    return edns() ? Math.max(512, ednsPayload) : 512;
  }

  /** Parses a query; null for messages to drop silently (too short, or responses). */
  static DnsQuery parse(byte[] raw) {
    if (raw.length < HEADER) {
      return null;
    }
    ByteBuf in = Unpooled.wrappedBuffer(raw);
    int id = in.readUnsignedShort();
    int flags = in.readUnsignedShort();
    if ((flags & FLAG_QR) != 0) {
      return null;
    }
    int qd = in.readUnsignedShort();
    int an = in.readUnsignedShort();
    int ns = in.readUnsignedShort();
    int ar = in.readUnsignedShort();
    if (qd != 1) {
      return new DnsQuery(raw, id, flags, null, 0);
    }
    try {
      DnsQuestion question = DnsRecordDecoder.DEFAULT.decodeQuestion(in);
      int payload = 0;
      for (int i = 0; i < an + ns + ar; i++) {
        DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
        if (record == null) {
          break;
        }
        if (record.type() == DnsRecordType.OPT) {
          payload = Math.max(1, record.dnsClass());
        }
        ReferenceCountUtil.release(record);
      }
      return new DnsQuery(raw, id, flags, question, payload);
    } catch (Exception e) {
      return new DnsQuery(raw, id, flags, null, 0);
    }
  }
}
