package io.kuark.agent.api;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client for the agent API on Netty: plain HTTPS requests, channel-protocol WebSockets, and
 * SPDY/3.1 sessions (direct or tunnelled in WebSocket messages), presenting a client certificate.
 */
final class TestStreamClient implements AutoCloseable {

  /** Something the server sent; {@code END} marks a closed connection. */
  static final Object END = new Object();

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final int port;
  private final SslContext ssl;

  TestStreamClient(int port, TestPki.Identity identity) throws Exception {
    this.port = port;
    SslContextBuilder builder =
        SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE);
    if (identity != null) {
      builder.keyManager(identity.key(), identity.certificate());
    }
    ssl = builder.build();
  }

  /** A plain request; the response with its full body. */
  FullHttpResponse get(String path) throws Exception {
    return request(HttpMethod.GET, path, null);
  }

  /** One plain request; {@code bearer} (may be null) goes into {@code Authorization}. */
  FullHttpResponse request(HttpMethod method, String path, String bearer) throws Exception {
    CompletableFuture<FullHttpResponse> result = new CompletableFuture<>();
    Channel channel =
        connect(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port))
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(1 << 24))
                    .addLast(
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, FullHttpResponse r) {
                            result.complete(r.retainedDuplicate());
                          }

                          @Override
                          public void channelInactive(ChannelHandlerContext ctx) {
                            result.completeExceptionally(new IllegalStateException("closed"));
                          }
                        });
              }
            });
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path);
    request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (bearer != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
    }
    channel.writeAndFlush(request);
    try {
      return result.get(60, TimeUnit.SECONDS);
    } finally {
      channel.close();
    }
  }

  /** A WebSocket session: received messages (binary payloads as byte[]) then END. */
  static final class WebSocketSession {
    final Channel channel;
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    String protocol;

    WebSocketSession(Channel channel) {
      this.channel = channel;
    }

    void send(byte[] message) {
      channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)));
    }

    Object next() throws InterruptedException {
      Object item = received.poll(60, TimeUnit.SECONDS);
      if (item == null) {
        throw new AssertionError("nothing received within a minute");
      }
      return item;
    }
  }

  WebSocketSession webSocket(String path, String... protocols) throws Exception {
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            URI.create("wss://127.0.0.1:" + port + path),
            WebSocketVersion.V13,
            String.join(",", protocols),
            false,
            new DefaultHttpHeaders(),
            1 << 24);
    CompletableFuture<WebSocketSession> ready = new CompletableFuture<>();
    Channel channel =
        connect(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                WebSocketSession session = new WebSocketSession(ch);
                ch.pipeline()
                    .addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port))
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(
                        new SimpleChannelInboundHandler<Object>() {
                          @Override
                          public void channelActive(ChannelHandlerContext ctx) {
                            handshaker.handshake(ctx.channel());
                          }

                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                            if (!handshaker.isHandshakeComplete()) {
                              FullHttpResponse response = (FullHttpResponse) msg;
                              try {
                                handshaker.finishHandshake(ctx.channel(), response);
                              } catch (RuntimeException e) {
                                ready.completeExceptionally(
                                    new IllegalStateException(
                                        response.status()
                                            + " "
                                            + response.content().toString(StandardCharsets.UTF_8)));
                                return;
                              }
                              session.protocol = handshaker.actualSubprotocol();
                              ctx.pipeline()
                                  .addBefore(
                                      ctx.name(), "agg", new WebSocketFrameAggregator(1 << 24));
                              ready.complete(session);
                              return;
                            }
                            WebSocketFrame frame = (WebSocketFrame) msg;
                            if (frame instanceof BinaryWebSocketFrame) {
                              session.received.add(ByteBufUtil.getBytes(frame.content()));
                            } else if (frame instanceof CloseWebSocketFrame) {
                              ctx.close();
                            }
                          }

                          @Override
                          public void channelInactive(ChannelHandlerContext ctx) {
                            session.received.add(END);
                            ready.completeExceptionally(new IllegalStateException("closed"));
                          }
                        });
              }
            });
    return ready.get(60, TimeUnit.SECONDS);
  }

  /** A SPDY session: frames received (retained) then END. */
  static final class SpdySession {
    final Channel channel;
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private int nextStream = 1;

    SpdySession(Channel channel) {
      this.channel = channel;
    }

    /** Opens a client stream with the given headers; returns its id. */
    synchronized int open(Map<String, String> headers) {
      int id = nextStream;
      nextStream += 2;
      DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
      headers.forEach((k, v) -> syn.headers().set(k, v));
      channel.writeAndFlush(syn);
      return id;
    }

    void send(int stream, byte[] data, boolean last) {
      DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(stream, Unpooled.wrappedBuffer(data));
      frame.setLast(last);
      channel.writeAndFlush(frame);
    }

    Object next() throws InterruptedException {
      Object item = received.poll(60, TimeUnit.SECONDS);
      if (item == null) {
        throw new AssertionError("nothing received within a minute");
      }
      return item;
    }
  }

  /**
   * Upgrades {@code path} to SPDY/3.1 offering {@code protocol}; the negotiated one is returned.
   */
  SpdySession spdy(String path, String protocol) throws Exception {
    CompletableFuture<SpdySession> ready = new CompletableFuture<>();
    Channel channel =
        connect(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                SpdySession session = new SpdySession(ch);
                ch.pipeline()
                    .addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port))
                    .addLast("http", new HttpClientCodec())
                    .addLast("agg", new HttpObjectAggregator(1 << 20))
                    .addLast("client", spdyHandler(session, ready));
              }
            });
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
    request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    request.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
    request.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
    request.headers().set("X-Stream-Protocol-Version", protocol);
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    channel.writeAndFlush(request);
    return ready.get(60, TimeUnit.SECONDS);
  }

  /** SPDY tunnelled in WebSocket binary messages, as kubectl port-forward does from 1.31. */
  SpdySession spdyOverWebSocket(String path) throws Exception {
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            URI.create("wss://127.0.0.1:" + port + path),
            WebSocketVersion.V13,
            WebSocketTunnelCodec.PORT_FORWARD_TUNNEL,
            false,
            new DefaultHttpHeaders(),
            1 << 24);
    CompletableFuture<SpdySession> ready = new CompletableFuture<>();
    connect(
        new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SpdySession session = new SpdySession(ch);
            ch.pipeline()
                .addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port))
                .addLast(new HttpClientCodec())
                .addLast(new HttpObjectAggregator(1 << 20))
                .addLast(
                    "hs",
                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                      @Override
                      public void channelActive(ChannelHandlerContext ctx) {
                        handshaker.handshake(ctx.channel());
                      }

                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                        handshaker.finishHandshake(ctx.channel(), r);
                        ctx.pipeline().addAfter("hs", "agg", new WebSocketFrameAggregator(1 << 24));
                        ctx.pipeline().addAfter("agg", "tunnel", new WebSocketTunnelCodec());
                        ctx.pipeline()
                            .addAfter("tunnel", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                        ctx.pipeline().addAfter("spdy", "frames", frames(session));
                        ctx.pipeline().remove(this);
                        ready.complete(session);
                      }
                    });
          }
        });
    return ready.get(60, TimeUnit.SECONDS);
  }

  private SimpleChannelInboundHandler<Object> spdyHandler(
      SpdySession session, CompletableFuture<SpdySession> ready) {
    return new SimpleChannelInboundHandler<>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        FullHttpResponse response = (FullHttpResponse) msg;
        if (response.status().code() != 101) {
          ready.completeExceptionally(
              new IllegalStateException(
                  response.status() + " " + response.content().toString(StandardCharsets.UTF_8)));
          return;
        }
        ctx.pipeline().remove("agg");
        ctx.pipeline().replace("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        ctx.pipeline().addAfter("spdy", "frames", frames(session));
        ctx.pipeline().remove(this);
        ready.complete(session);
      }
    };
  }

  private static SimpleChannelInboundHandler<SpdyFrame> frames(SpdySession session) {
    return new SimpleChannelInboundHandler<>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
        session.received.add(ReferenceCountUtil.retain(frame));
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        session.received.add(END);
      }
    };
  }

  private Channel connect(ChannelInitializer<SocketChannel> initializer) throws Exception {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(initializer)
        .connect("127.0.0.1", port)
        .sync()
        .channel();
  }

  static String text(ByteBuf buf) {
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
