package io.kuark.agent.network.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** A hand-built DNS client over UDP and TCP (RFC 1035 wire format), as a stub resolver sends. */
final class TestDnsClient {

  /** A decoded response. */
  record Response(
      int id, int flags, List<String> answers, List<String> authority, List<String> additional) {
    int rcode() {
      return flags & 0xf;
    }

    boolean truncated() {
      return (flags & DnsQuery.FLAG_TC) != 0;
    }

    boolean authoritative() {
      return (flags & DnsQuery.FLAG_AA) != 0;
    }
  }

  private final InetSocketAddress server;

  TestDnsClient(InetSocketAddress server) {
    this.server = server;
  }

  static byte[] query(int id, String name, DnsRecordType type, int ednsPayload) throws Exception {
    ByteBuf out = Unpooled.buffer();
    out.writeShort(id).writeShort(DnsQuery.FLAG_RD).writeShort(1).writeShort(0).writeShort(0);
    out.writeShort(ednsPayload > 0 ? 1 : 0);
    DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), out);
    if (ednsPayload > 0) {
      DnsRecordEncoder.DEFAULT.encodeRecord(
          new DefaultDnsRawRecord("", DnsRecordType.OPT, ednsPayload, 0, Unpooled.EMPTY_BUFFER),
          out);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }

  Response udp(String name, DnsRecordType type) throws Exception {
    return udp(name, type, 0);
  }

  Response udp(String name, DnsRecordType type, int ednsPayload) throws Exception {
    byte[] q = query(4242, name, type, ednsPayload);
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      socket.send(new DatagramPacket(q, q.length, server));
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      socket.receive(p);
      byte[] r = new byte[p.getLength()];
      System.arraycopy(buf, 0, r, 0, r.length);
      return decode(r);
    }
  }

  Response tcp(String name, DnsRecordType type) throws Exception {
    byte[] q = query(4343, name, type, 0);
    try (Socket socket = new Socket()) {
      socket.connect(server, 5000);
      socket.setSoTimeout(5000);
      byte[] framed = new byte[q.length + 2];
      framed[0] = (byte) (q.length >> 8);
      framed[1] = (byte) q.length;
      System.arraycopy(q, 0, framed, 2, q.length);
      socket.getOutputStream().write(framed);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] r = new byte[in.readUnsignedShort()];
      in.readFully(r);
      return decode(r);
    }
  }

  static Response decode(byte[] r) throws IOException {
    ByteBuf in = Unpooled.wrappedBuffer(r);
    int id = in.readUnsignedShort();
    int flags = in.readUnsignedShort();
    int qd = in.readUnsignedShort();
    int an = in.readUnsignedShort();
    int ns = in.readUnsignedShort();
    int ar = in.readUnsignedShort();
    try {
      for (int i = 0; i < qd; i++) {
        DnsRecordDecoder.DEFAULT.decodeQuestion(in);
      }
      return new Response(id, flags, section(in, an), section(in, ns), section(in, ar));
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static List<String> section(ByteBuf in, int count) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      DnsRecord record = DnsRecordDecoder.DEFAULT.decodeRecord(in);
      if (record.type() != DnsRecordType.OPT) {
        lines.add(DnsText.of(record));
      }
    }
    return lines;
  }
}
