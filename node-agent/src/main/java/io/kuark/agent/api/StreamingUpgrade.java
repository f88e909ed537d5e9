package io.kuark.agent.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Switches a connection from HTTP to a streaming protocol: WebSocket (subprotocol from {@code
 * Sec-WebSocket-Protocol}) or SPDY/3.1 (subprotocol from {@code X-Stream-Protocol-Version}), as
 * upstream's {@code httpstream} negotiates: the first protocol the client offers that the server
 * speaks.
 */
final class StreamingUpgrade {

  static final int MAX_MESSAGE = 16 * 1024 * 1024;

  enum Kind {
    WEBSOCKET,
    SPDY,
    NONE
  }

  private StreamingUpgrade() {}

  static Kind kind(FullHttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    if (upgrade == null) {
      return Kind.NONE;
    }
    String lower = upgrade.toLowerCase(Locale.ROOT);
    if (lower.equals("websocket")) {
      return Kind.WEBSOCKET;
    }
    if (lower.startsWith("spdy/3.1")) {
      return Kind.SPDY;
    }
    return Kind.NONE;
  }

  /** The protocols the client offers, in its order. */
  static List<String> offered(FullHttpRequest request, Kind kind) {
    List<String> offered = new ArrayList<>();
    CharSequence header =
        kind == Kind.WEBSOCKET
            ? HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL
            : "X-Stream-Protocol-Version";
    for (String value : request.headers().getAll(header)) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          offered.add(part.trim());
        }
      }
    }
    return offered;
  }

  /** The first offered protocol the server supports, or null. */
  static String negotiate(List<String> offered, String... supported) {
    for (String protocol : offered) {
      for (String s : supported) {
        if (s.equals(protocol)) {
          return protocol;
        }
      }
    }
    return null;
  }

  /**
   * Completes a WebSocket handshake for {@code protocol} and puts {@code handler} where the HTTP
   * handler {@code current} was (WebSocket messages arrive reassembled).
   */
  static void toWebSocket(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      String protocol,
      ChannelHandler current,
      ChannelHandler... handlers) {
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(
                "wss://" + request.headers().get(HttpHeaderNames.HOST) + request.uri(),
                protocol,
                false,
                MAX_MESSAGE)
            .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    handshaker.handshake(ctx.channel(), request);
    String name = ctx.name();
    pipeline.addAfter(name, "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
    String previous = "ws-aggregator";
    for (int i = 0; i < handlers.length; i++) {
      pipeline.addAfter(previous, "stream-" + i, handlers[i]);
      previous = "stream-" + i;
    }
    pipeline.remove(current);
  }

  /**
   * Answers {@code 101 Switching Protocols} for SPDY/3.1 and replaces the HTTP codec with SPDY
   * framing and {@code connection}; no bytes arrive in between because this runs on the event loop.
   */
  static void toSpdy(
      ChannelHandlerContext ctx,
      String protocol,
      ChannelHandler current,
      SpdyConnection connection) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    response.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    response.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    response.headers().set("X-Stream-Protocol-Version", protocol);
    ChannelPipeline pipeline = ctx.pipeline();
    // Written from the HTTP handler's context so the HTTP codec still encodes it.
    ctx.writeAndFlush(response);
    pipeline.remove(HttpServerCodec.class);
    if (pipeline.get(HttpObjectAggregator.class) != null) {
      pipeline.remove(HttpObjectAggregator.class);
    }
    pipeline.addBefore(ctx.name(), "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    pipeline.addAfter("spdy-codec", "spdy-session", connection);
    pipeline.remove(current);
  }

  /** SPDY framing inside WebSocket messages (tunnelled port-forward). */
  static ChannelHandler[] spdyOverWebSocket(SpdyConnection connection) {
    return new ChannelHandler[] {
      new WebSocketTunnelCodec(), new SpdyFrameCodec(SpdyVersion.SPDY_3_1), connection
    };
  }
}
