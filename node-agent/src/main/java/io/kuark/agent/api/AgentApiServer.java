package io.kuark.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.kubeclient.NativeTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * The agent API (kubelet port): HTTPS on all addresses with a self-signed serving certificate,
 * client certificates requested and checked per request by {@link ClientAuthorizer} (so a missing
 * or foreign certificate gets 401 instead of a failed handshake, as upstream does), Netty for HTTP,
 * WebSocket and SPDY/3.1.
 */
public final class AgentApiServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentApiServer.class);

  /**
   * What the server serves.
   *
   * @param metrics the Prometheus text for {@code /metrics}, or null (404)
   * @param statsSummary the Summary API document for {@code /stats/summary}, or null (404)
   */
  public record Deps(
      ClientAuthorizer authorizer,
      PodTargets pods,
      ContainerRuntime runtime,
      PodDialer dialer,
      Path podLogDir,
      Clock clock,
      Supplier<String> metrics,
      Supplier<JsonNode> statsSummary) {

    /** Without metrics and stats. */
    public Deps(
        ClientAuthorizer authorizer,
        PodTargets pods,
        ContainerRuntime runtime,
        PodDialer dialer,
        Path podLogDir,
        Clock clock) {
      this(authorizer, pods, runtime, dialer, podLogDir, clock, null, null);
    }
  }

  private final Deps deps;
  private final ServingCertificate certificate;
  private EventLoopGroup group;
  private ExecutorService blocking;
  private Channel server;

  public AgentApiServer(Deps deps, ServingCertificate certificate) {
    this.deps = deps;
    this.certificate = certificate;
  }

  /** Binds {@code port} (0: any free port) on all addresses; returns the bound port. */
  public int start(int port) throws IOException {
    SslContext ssl =
        SslContextBuilder.forServer(certificate.key(), certificate.certificate())
            .sslProvider(NativeTls.provider())
            .clientAuth(ClientAuth.OPTIONAL)
            .trustManager(new RequestAnyClientCertificate(deps.authorizer().acceptedIssuers()))
            .build();
    group = new NioEventLoopGroup(2);
    blocking =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "agent-api-blocking");
              thread.setDaemon(true);
              return thread;
            });
    ApiRequestHandler.Services services =
        new ApiRequestHandler.Services(
            deps.authorizer(),
            deps.pods(),
            deps.runtime(),
            new ContainerLogs(deps.pods(), deps.runtime(), deps.podLogDir(), deps.clock()),
            deps.dialer(),
            blocking,
            deps.metrics(),
            deps.statsSummary());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("ssl", ssl.newHandler(ch.alloc()))
                        .addLast("http", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(1 << 20))
                        .addLast("api", new ApiRequestHandler(services));
                  }
                });
    try {
      server = bootstrap.bind(new InetSocketAddress(port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding the agent API", e);
    } catch (RuntimeException e) {
      close();
      throw new IOException("cannot listen on port " + port + ": " + e.getMessage(), e);
    }
    int bound = ((InetSocketAddress) server.localAddress()).getPort();
    LOG.infof("agent API listening on port %d", bound);
    return bound;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (blocking != null) {
      blocking.shutdownNow();
    }
  }

  /**
   * Asks for a client certificate from the cluster CA but accepts any at the TLS layer: {@link
   * ClientAuthorizer} verifies it per request and answers 401, like upstream's authenticator.
   */
  private static final class RequestAnyClientCertificate extends X509ExtendedTrustManager {
    private final X509Certificate[] issuers;

    RequestAnyClientCertificate(X509Certificate[] issuers) {
      this.issuers = issuers;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("server side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return issuers.clone();
    }
  }
}
