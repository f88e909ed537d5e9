package io.kuark.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;

/**
 * Exec over a channel-protocol WebSocket: binary messages {@code [channel][data]}; stdin (0) and
 * resize (4) from the client, stdout (1), stderr (2) and the final status on error (3) to it, and
 * with v5 the close signal (255) that ends stdin.
 */
final class WebSocketExecHandler extends SimpleChannelInboundHandler<WebSocketFrame>
    implements ExecOutput {

  private final String protocol;
  private final Channel channel;
  private StreamSession session;

  WebSocketExecHandler(String protocol, Channel channel) {
    this.protocol = protocol;
    this.channel = channel;
  }

  void start(StreamSession session, boolean stdout, boolean stderr) {
    this.session = session;
    // Like upstream, an empty message on each output channel tells the client which are open.
    if (stdout) {
      send(ChannelFraming.STDOUT, new byte[0]);
    }
    if (stderr) {
      send(ChannelFraming.STDERR, new byte[0]);
    }
    send(ChannelFraming.ERROR, new byte[0]);
    session.start();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      return;
    }
    if (frame instanceof CloseWebSocketFrame) {
      session.clientGone();
      ctx.close();
      return;
    }
    if (!(frame instanceof BinaryWebSocketFrame)) {
      return;
    }
    ByteBuf content = frame.content();
    if (!content.isReadable()) {
      return;
    }
    int id = content.readUnsignedByte();
    byte[] data = ByteBufUtil.getBytes(content);
    if (id == ChannelFraming.STDIN) {
      session.stdin(data);
    } else if (id == ChannelFraming.CLOSE
        && ChannelFraming.hasCloseSignal(protocol)
        && data.length > 0
        && data[0] == ChannelFraming.STDIN) {
      session.stdinClosed();
    }
    if (id == ChannelFraming.RESIZE) {
      ResizeDecoder.Size size = ResizeDecoder.parse(data);
      if (size != null) {
        session.resize(size);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.clientGone();
    }
  }

  @Override
  public void stdout(byte[] data) throws IOException {
    awaitWritable();
    send(ChannelFraming.STDOUT, data);
  }

  @Override
  public void stderr(byte[] data) throws IOException {
    awaitWritable();
    send(ChannelFraming.STDERR, data);
  }

  @Override
  public void finish(byte[] error) {
    if (error.length > 0) {
      send(ChannelFraming.ERROR, error);
    }
    channel
        .writeAndFlush(new CloseWebSocketFrame(1000, ""))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void readInput(boolean enabled) {
    channel.config().setAutoRead(enabled);
  }

  private void send(int id, byte[] data) {
    channel.writeAndFlush(
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ChannelFraming.frame(id, data))));
  }

  private void awaitWritable() throws IOException {
    Streams.awaitWritable(channel);
  }
}
