package io.kuark.server.api.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Map;

/**
 * Switches the client's HTTP/1.1 connection to raw bytes after an upgrade request and pipes it to
 * and from the agent's socket. Vert.x's own {@code toNetSocket()} only accepts GET upgrades, while
 * SPDY clients (kubectl before WebSockets) upgrade with POST, so this works on the Netty pipeline,
 * as Vert.x does internally: it writes the 101 response, removes the HTTP codec and puts a relay
 * handler in front of Vert.x's connection handler (which still learns when the channel closes).
 */
final class ClientTunnel extends ChannelInboundHandlerAdapter {

  private static final String NAME = "kuark-tunnel";

  private final NetSocket agent;
  private Channel channel;

  private ClientTunnel(NetSocket agent) {
    this.agent = agent;
  }

  /** Whether {@code request} arrived on a connection this class can switch (HTTP/1.x). */
  static boolean supports(HttpServerRequest request) {
    return request.connection() instanceof ConnectionBase
        && request.version().name().startsWith("HTTP_1");
  }

  /**
   * Answers {@code request} with 101 and {@code headers}, then relays bytes between the client and
   * {@code agent} (paused by the caller until now) until either side closes. Call on the client
   * connection's event loop.
   */
  static void open(HttpServerRequest request, MultiMap headers, NetSocket agent) {
    ConnectionBase connection = (ConnectionBase) request.connection();
    Channel channel = connection.channel();
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
    for (Map.Entry<String, String> h : headers) {
      response.headers().add(h.getKey(), h.getValue());
    }
    ClientTunnel tunnel = new ClientTunnel(agent);
    channel
        .writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    agent.close();
                    channel.close();
                    return;
                  }
                  tunnel.attach(channel);
                });
  }

  private void attach(Channel ch) {
    this.channel = ch;
    ChannelPipeline p = ch.pipeline();
    // In front of Vert.x's handler, so bytes the HTTP decoder still holds come here when it goes.
    p.addBefore("handler", NAME, this);
    for (String codec :
        new String[] {"httpDecoder", "httpEncoder", "chunkedWriter", "inflater", "deflater"}) {
      if (p.get(codec) != null) {
        p.remove(codec);
      }
    }
    agent.handler(
        data -> {
          ch.writeAndFlush(data.getByteBuf());
          if (!ch.isWritable()) {
            agent.pause();
          }
        });
    agent.closeHandler(v -> ch.close());
    agent.exceptionHandler(e -> agent.close());
    agent.resume();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    Buffer data = Buffer.buffer(bytes.readableBytes());
    data.appendBytes(io.netty.buffer.ByteBufUtil.getBytes(bytes));
    bytes.release();
    agent.write(data);
    if (agent.writeQueueFull()) {
      ctx.channel().config().setAutoRead(false);
      agent.drainHandler(v -> channel.config().setAutoRead(true));
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      agent.resume();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    agent.close();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
