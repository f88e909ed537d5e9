package io.kuark.agent.network.dns;

import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on loopback (UDP and TCP, same port) standing in for the host's
 * resolver: {@code example.org} A 192.0.2.1 (TTL 60); every other name NXDOMAIN with an SOA whose
 * minimum is 30. Counts the queries it gets.
 */
final class FakeUpstream implements AutoCloseable {
  final AtomicInteger queries = new AtomicInteger();
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Thread udpThread;
  private final Thread tcpThread;

  FakeUpstream() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    ServerSocket s = null;
    DatagramSocket d = null;
    for (int attempt = 0; attempt < 20 && s == null; attempt++) {
      d = new DatagramSocket(new InetSocketAddress(lo, 0));
      try {
        s = new ServerSocket(d.getLocalPort(), 50, lo);
      } catch (IOException e) {
        d.close();
      }
    }
    udp = d;
    tcp = s;
    udpThread = new Thread(this::serveUdp, "fake-upstream-udp");
    tcpThread = new Thread(this::serveTcp, "fake-upstream-tcp");
    udpThread.start();
    tcpThread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  private byte[] answer(byte[] raw) throws Exception {
    queries.incrementAndGet();
    DnsQuery q = DnsQuery.parse(raw);
    String name = q.question().name();
    if (name.equals("example.org.")) {
      List<DnsRecord> a = List.of(DnsRecords.address(name, InetAddress.getByName("192.0.2.1"), 60));
      return DnsResponses.answer(q, DnsAnswer.of(a, List.of()), 65535);
    }
    DnsRecord soa = DnsRecords.soa("org.", "ns.org.", "hostmaster.org.", 1, 30);
    return DnsResponses.answer(
        q, new DnsAnswer(DnsResponseCode.NXDOMAIN, List.of(), List.of(soa), List.of()), 65535);
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] raw = new byte[p.getLength()];
        System.arraycopy(buf, 0, raw, 0, raw.length);
        byte[] r = answer(raw);
        udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
      } catch (Exception e) {
        // closed
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket c = tcp.accept()) {
        DataInputStream in = new DataInputStream(c.getInputStream());
        byte[] raw = new byte[in.readUnsignedShort()];
        in.readFully(raw);
        byte[] r = answer(raw);
        OutputStream out = c.getOutputStream();
        out.write(new byte[] {(byte) (r.length >> 8), (byte) r.length});
        out.write(r);
        out.flush();
      } catch (Exception e) {
        // closed
      }
    }
  }

  @Override
  public void close() throws Exception {
    udp.close();
    tcp.close();
    udpThread.join(2000);
    tcpThread.join(2000);
  }
}
