package io.kuark.agent.network.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * Sends a query to the upstream resolvers, in order, until one answers: over UDP from a fresh
 * random port with a fresh random ID (so that answers cannot be spoofed by guessing either), or
 * over TCP. Blocking; called from the DNS worker threads, never from an event loop.
 */
final class UpstreamForwarder {

  private final List<InetSocketAddress> upstreams;
  private final int timeoutMillis;
  private final SecureRandom random = new SecureRandom();

  UpstreamForwarder(List<InetSocketAddress> upstreams, Duration timeout) {
    this.upstreams = List.copyOf(upstreams);
    this.timeoutMillis = (int) timeout.toMillis();
  }

  List<InetSocketAddress> upstreams() {
    return upstreams;
  }

  /**
   * The response to {@code query} (raw message) with the query's own ID, from the first upstream
   * that answers; IOException when none does.
   */
  byte[] exchange(byte[] query, boolean tcp) throws IOException {
    if (upstreams.isEmpty()) {
      throw new IOException("no upstream DNS servers configured");
    }
    IOException last = null;
    for (InetSocketAddress upstream : upstreams) {
      byte[] request = query.clone();
      int id = random.nextInt(0x10000);
      request[0] = (byte) (id >> 8);
      request[1] = (byte) id;
      try {
        byte[] response = tcp ? viaTcp(upstream, request) : viaUdp(upstream, request, id);
        response[0] = query[0];
        response[1] = query[1];
        return response;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private byte[] viaUdp(InetSocketAddress upstream, byte[] request, int id) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(upstream);
      socket.setSoTimeout(timeoutMillis);
      socket.send(new DatagramPacket(request, request.length));
      byte[] buffer = new byte[65535];
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        if (packet.getLength() >= DnsQuery.HEADER && WireScan.u16(buffer, 0) == id) {
          byte[] response = new byte[packet.getLength()];
          System.arraycopy(buffer, 0, response, 0, response.length);
          return response;
        }
        // A stray datagram: keep waiting for ours until the deadline.
        int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
        if (left <= 0) {
          throw new SocketTimeoutException("no answer from " + upstream);
        }
        socket.setSoTimeout(left);
      }
    }
  }

  private byte[] viaTcp(InetSocketAddress upstream, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(upstream, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      byte[] framed = new byte[request.length + 2];
      framed[0] = (byte) (request.length >> 8);
      framed[1] = (byte) request.length;
      System.arraycopy(request, 0, framed, 2, request.length);
      out.write(framed);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int length = in.readUnsignedShort();
      byte[] response = new byte[length];
      in.readFully(response);
      return response;
    }
  }
}
