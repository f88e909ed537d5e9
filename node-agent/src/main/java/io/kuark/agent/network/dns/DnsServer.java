package io.kuark.agent.network.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The DNS transport: UDP and TCP (RFC 7766 framing) on one address and port, with Netty's epoll
 * transport when the native library loads (NIO otherwise). Queries are answered on bounded pools of
 * worker threads because forwarding blocks: one pool for names answered from the cluster view
 * alone, one for everything that may wait on an upstream (forwarded names, ExternalName targets,
 * reverse names the cluster does not know), so a slow upstream never delays cluster answers. When a
 * pool's queue is full a query is dropped and the client's retry decides, as with any busy
 * resolver.
 */
public final class DnsServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DnsServer.class);
  private static final int WORKERS = 16;

  private final ClusterDnsHandler handler;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final ExecutorService workers;
  private final ExecutorService forwarders;
  private final List<Channel> channels = new ArrayList<>();

  DnsServer(ClusterDnsHandler handler) {
    this.handler = handler;
    this.epoll = Epoll.isAvailable();
    this.group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    this.workers = pool("dns-cluster-");
    this.forwarders = pool("dns-forward-");
  }

  private static ExecutorService pool(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        WORKERS,
        WORKERS,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(4096),
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.DiscardPolicy());
  }

  /** The pool a query runs on: decided on the event loop, which only reads the question name. */
  private ExecutorService poolFor(byte[] query) {
    return handler.answeredLocally(query) ? workers : forwarders;
  }

  /** True when the epoll transport is in use. */
  public boolean epoll() {
    return epoll;
  }

  /**
   * Binds UDP and TCP on {@code address} (port 0 picks a free port, the same for both if possible
   * is not promised: see {@link #udpPort()} / {@link #tcpPort()}). The sockets are created in the
   * calling thread's network namespace.
   */
  public synchronized void bind(InetSocketAddress address) throws InterruptedException {
    Channel udp =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .handler(new UdpHandler())
            .bind(address)
            .sync()
            .channel();
    channels.add(udp);
    InetSocketAddress tcpAddress =
        address.getPort() == 0
            ? new InetSocketAddress(
                address.getAddress(), ((InetSocketAddress) udp.localAddress()).getPort())
            : address;
    Channel tcp =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new ReadTimeoutHandler(10))
                        .addLast(new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2))
                        .addLast(new LengthFieldPrepender(2))
                        .addLast(new TcpHandler());
                  }
                })
            .bind(tcpAddress)
            .sync()
            .channel();
    channels.add(tcp);
    LOG.infof("cluster DNS listening on %s (udp, tcp; %s)", tcpAddress, epoll ? "epoll" : "nio");
  }

  public synchronized int udpPort() {
    return ((InetSocketAddress) channels.get(0).localAddress()).getPort();
  }

  public synchronized int tcpPort() {
    return ((InetSocketAddress) channels.get(1).localAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    for (Channel channel : channels) {
      channel.close().awaitUninterruptibly();
    }
    channels.clear();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownNow();
    forwarders.shutdownNow();
  }

  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      byte[] query = ByteBufUtil.getBytes(packet.content());
      InetSocketAddress sender = packet.sender();
      poolFor(query)
          .execute(
              () -> {
                byte[] response = handler.handle(query, false);
                if (response != null) {
                  ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response), sender));
                }
              });
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte[] query = ByteBufUtil.getBytes(frame);
      poolFor(query)
          .execute(
              () -> {
                byte[] response = handler.handle(query, true);
                if (response != null) {
                  ctx.writeAndFlush(Unpooled.wrappedBuffer(response));
                } else {
                  ctx.close();
                }
              });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // read timeouts and resets end the connection, nothing else to do
    }
  }
}
