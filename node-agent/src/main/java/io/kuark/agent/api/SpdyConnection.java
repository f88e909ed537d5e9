package io.kuark.agent.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The server side of a SPDY/3.1 session as Kubernetes streaming uses it (the framing is Netty's
 * {@code SpdyFrameCodec}): the client opens streams whose {@code streamType} header says what they
 * carry; every stream is accepted with a SYN_REPLY, pings are answered, and received data is
 * acknowledged with WINDOW_UPDATEs so the client never stalls on flow control. What streams mean is
 * up to the {@link Listener} (exec or port-forward).
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {

  /** Stream events, delivered on the event loop. */
  interface Listener {
    void onStream(SpdyConnection connection, int streamId, SpdyHeaders headers, boolean last);

    void onData(int streamId, byte[] data, boolean last);

    void onReset(int streamId);

    void onClosed();
  }

  private final Listener listener;
  private Channel channel;

  SpdyConnection(Listener listener) {
    this.listener = listener;
  }

  Channel channel() {
    return channel;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        // Never an empty header block: Netty would then write no compressed block at all, which
        // Go's
        // SPDY framer (kubectl) cannot read; echoing the stream type is harmless.
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
        String type = syn.headers().getAsString("streamtype");
        reply.headers().set("streamtype", type == null ? "" : type);
        ctx.writeAndFlush(reply);
        listener.onStream(this, syn.streamId(), syn.headers(), syn.isLast());
      } else if (msg instanceof SpdyDataFrame data) {
        int length = data.content().readableBytes();
        byte[] bytes = ByteBufUtil.getBytes(data.content());
        if (length > 0) {
          ctx.write(new DefaultSpdyWindowUpdateFrame(data.streamId(), length));
          ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, length));
        }
        listener.onData(data.streamId(), bytes, data.isLast());
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        listener.onReset(rst.streamId());
      } else if (msg instanceof SpdyPingFrame ping) {
        ctx.writeAndFlush(ping);
        return;
      } else if (msg instanceof SpdyGoAwayFrame) {
        ctx.close();
      }
      // SETTINGS and WINDOW_UPDATE need nothing: this side sends without flow-control accounting.
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    listener.onClosed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Sends data on a stream; waits while the client is slow (call off the event loop). */
  void sendBlocking(int streamId, byte[] data) throws IOException {
    Streams.awaitWritable(channel);
    send(streamId, data, false);
  }

  ChannelFuture send(int streamId, byte[] data, boolean last) {
    DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data));
    frame.setLast(last);
    return channel.writeAndFlush(frame);
  }

  /** Half-closes a stream from this side (FIN). */
  void finishStream(int streamId) {
    send(streamId, new byte[0], true);
  }

  void reset(int streamId) {
    channel.writeAndFlush(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.CANCEL));
  }

  /** Ends the session: GOAWAY, then close once written. */
  void close() {
    channel.writeAndFlush(new DefaultSpdyGoAwayFrame(0)).addListener(ChannelFutureListener.CLOSE);
  }
}
