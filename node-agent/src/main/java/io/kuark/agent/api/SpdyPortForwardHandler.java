package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Port-forward over SPDY ({@code portforward.k8s.io}): for every client connection kubectl opens an
 * error and a data stream with the same {@code requestID} and {@code port}; the agent connects to
 * that port inside the pod and copies bytes between the data stream and the socket. A failed
 * connect is reported as text on the error stream. Everything but the dial runs on the session's
 * event loop.
 */
final class SpdyPortForwardHandler implements SpdyConnection.Listener {

  /** One forwarded connection. */
  private final class Pair {
    final String requestId;
    final int port;
    Integer errorStream;
    Integer dataStream;
    NioSocketChannel socket;
    final List<byte[]> early = new ArrayList<>();
    boolean clientDone;
    boolean closed;

    Pair(String requestId, int port) {
      this.requestId = requestId;
      this.port = port;
    }
  }

  private final Pod pod;
  private final PodDialer dialer;
  private final Executor dialExecutor;
  private final Map<String, Pair> pairs = new HashMap<>();
  private final Map<Integer, Pair> byStream = new HashMap<>();
  private SpdyConnection connection;

  SpdyPortForwardHandler(Pod pod, PodDialer dialer, Executor dialExecutor) {
    this.pod = pod;
    this.dialer = dialer;
    this.dialExecutor = dialExecutor;
  }

  @Override
  public void onStream(SpdyConnection conn, int streamId, SpdyHeaders headers, boolean last) {
    connection = conn;
    String type = headers.getAsString("streamtype");
    String portText = headers.getAsString("port");
    String requestId = headers.getAsString("requestid");
    int port;
    try {
      port = Integer.parseInt(portText);
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      conn.reset(streamId);
      return;
    }
    if (requestId == null) {
      requestId = "port-" + port; // very old clients send no request id
    }
    int target = port;
    Pair pair = pairs.computeIfAbsent(requestId, id -> new Pair(id, target));
    byStream.put(streamId, pair);
    if ("error".equals(type)) {
      pair.errorStream = streamId;
    } else if ("data".equals(type)) {
      pair.dataStream = streamId;
      dial(pair);
    } else {
      conn.reset(streamId);
    }
  }

  private void dial(Pair pair) {
    dialExecutor.execute(
        () -> {
          SocketChannel socket;
          try {
            socket = dialer.dial(pod, pair.port);
          } catch (Exception e) {
            String message =
                "error forwarding port "
                    + pair.port
                    + " to pod "
                    + pod.getMetadata().getName()
                    + ", uid "
                    + pod.getMetadata().getUid()
                    + ": failed to connect to localhost:"
                    + pair.port
                    + " inside the pod: "
                    + e.getMessage();
            connection.channel().eventLoop().execute(() -> fail(pair, message));
            return;
          }
          connection.channel().eventLoop().execute(() -> connected(pair, socket));
        });
  }

  private void connected(Pair pair, SocketChannel socket) {
    NioSocketChannel channel = new NioSocketChannel(socket);
    pair.socket = channel;
    channel.pipeline().addLast(new PodSide(pair));
    connection.channel().eventLoop().register(channel);
    if (pair.closed) {
      channel.close();
      return;
    }
    for (byte[] data : pair.early) {
      channel.write(Unpooled.wrappedBuffer(data));
    }
    pair.early.clear();
    channel.flush();
    if (pair.clientDone) {
      channel.shutdownOutput();
    }
  }

  private void fail(Pair pair, String message) {
    if (pair.errorStream != null) {
      connection.send(pair.errorStream, message.getBytes(StandardCharsets.UTF_8), true);
    }
    if (pair.dataStream != null) {
      connection.finishStream(pair.dataStream);
    }
    forget(pair);
  }

  private void forget(Pair pair) {
    pair.closed = true;
    pairs.remove(pair.requestId, pair);
    if (pair.errorStream != null) {
      byStream.remove(pair.errorStream);
    }
    if (pair.dataStream != null) {
      byStream.remove(pair.dataStream);
    }
  }

  @Override
  public void onData(int streamId, byte[] data, boolean last) {
    Pair pair = byStream.get(streamId);
    if (pair == null || pair.dataStream == null || pair.dataStream != streamId) {
      return;
    }
    if (pair.socket == null) {
      if (data.length > 0) {
        pair.early.add(data);
      }
      pair.clientDone |= last;
      return;
    }
    if (data.length > 0) {
      pair.socket.writeAndFlush(Unpooled.wrappedBuffer(data));
    }
    if (last) {
      pair.clientDone = true;
      pair.socket.shutdownOutput();
    }
  }

  @Override
  public void onReset(int streamId) {
    Pair pair = byStream.get(streamId);
    if (pair != null) {
      if (pair.socket != null) {
        pair.socket.close();
      }
      forget(pair);
    }
  }

  @Override
  public void onClosed() {
    for (Pair pair : List.copyOf(pairs.values())) {
      if (pair.socket != null) {
        pair.socket.close();
      }
      pair.closed = true;
    }
    pairs.clear();
    byStream.clear();
  }

  /** Copies what the pod sends to the data stream; the pod closing ends both streams. */
  private final class PodSide extends ChannelInboundHandlerAdapter {
    private final Pair pair;

    PodSide(Pair pair) {
      this.pair = pair;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        ByteBuf buf = (ByteBuf) msg;
        if (!pair.closed && buf.isReadable()) {
          ChannelFuture sent = connection.send(pair.dataStream, ByteBufUtil.getBytes(buf), false);
          if (!connection.channel().isWritable()) {
            // The client is slow: stop reading the pod until this frame is written.
            ctx.channel().config().setAutoRead(false);
            sent.addListener(f -> ctx.channel().config().setAutoRead(true));
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!pair.closed) {
        connection.finishStream(pair.dataStream);
        if (pair.errorStream != null) {
          connection.finishStream(pair.errorStream);
        }
        forget(pair);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
