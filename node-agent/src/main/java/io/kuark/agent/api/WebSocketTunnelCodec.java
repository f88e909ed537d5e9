package io.kuark.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * A byte stream inside WebSocket binary messages, as kubectl tunnels SPDY for port-forward ({@code
 * SPDY/3.1+portforward.k8s.io}): inbound messages become bytes for the SPDY codec, outbound bytes
 * become binary messages.
 */
final class WebSocketTunnelCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

  /** The subprotocol kubectl offers for tunnelled port-forward. */
  static final String PORT_FORWARD_TUNNEL = "SPDY/3.1+portforward.k8s.io";

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
    out.add(new BinaryWebSocketFrame(bytes.retain()));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame) {
      out.add(frame.content().retain());
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }
}
