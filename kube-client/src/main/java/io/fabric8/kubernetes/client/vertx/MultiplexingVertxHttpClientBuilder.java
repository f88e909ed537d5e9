package io.fabric8.kubernetes.client.vertx;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * fabric8's Vert.x client builder, but the Vert.x client it builds asks the server for HTTP/2 over
 * ALPN and keeps that one connection: all concurrent requests of the client (and of every client
 * derived from it) share one TLS connection, where fabric8 7.5.2's own builder (HTTP/1.1 only, ALPN
 * disabled, idle connections dropped after 60 s) opens one connection, and one full TLS handshake,
 * per concurrent request.
 *
 * <p>It lives in fabric8's package because {@link VertxHttpClient}'s constructor is
 * package-private; everything else (interceptors, WebSockets for watches, request handling) stays
 * fabric8's. A server that does not offer h2 gets HTTP/1.1 from the same client; WebSocket
 * connections (watches) are HTTP/1.1 connections of their own, as with fabric8's builder.
 */
public class MultiplexingVertxHttpClientBuilder<F extends HttpClient.Factory>
    extends VertxHttpClientBuilder<F> {

  /** Bytes one HTTP/2 stream may receive before the client has read them (64 KiB by default). */
  static final int STREAM_WINDOW = 1024 * 1024;

  /**
   * Bytes all streams of the connection may hold unread together: a stream whose reader is paused
   * (a slow watch or log consumer) must not stall the others.
   */
  static final int CONNECTION_WINDOW = 16 * 1024 * 1024;

  /** fabric8's limits, kept: WebSocket connections are long-lived and must never queue. */
  private static final int MAX_CONNECTIONS = 8192;

  private final boolean closeVertx;

  /** A builder whose clients use {@code vertx}, or each their own Vert.x if it is null. */
  public MultiplexingVertxHttpClientBuilder(F factory, Vertx vertx) {
    super(factory, vertx);
    this.closeVertx = vertx == null;
  }

  private MultiplexingVertxHttpClientBuilder(F factory, Vertx vertx, boolean closeVertx) {
    super(factory, vertx, closeVertx);
    this.closeVertx = closeVertx;
  }

  @Override
  public VertxHttpClient<F> build() {
    if (client != null || preferHttp11 || proxied()) {
      // Derived clients share their parent's Vert.x client (and connection); HTTP/1.1 on request
      // and proxies stay exactly as fabric8 builds them.
      return super.build();
    }
    return new VertxHttpClient<>(
        this, new AtomicBoolean(), vertx.createHttpClient(options()), closeVertx);
  }

  @Override
  protected MultiplexingVertxHttpClientBuilder<F> newInstance(F factory) {
    return new MultiplexingVertxHttpClientBuilder<>(factory, vertx, closeVertx);
  }

  private boolean proxied() {
    return proxyType != null && proxyType != HttpClient.ProxyType.DIRECT && proxyAddress != null;
  }

  /** The Vert.x options: fabric8's, plus HTTP/2 over ALPN on one connection that stays open. */
  WebClientOptions options() {
    WebClientOptions options =
        new WebClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setUseAlpn(true)
            // One connection carries every request; the server's stream limit bounds it.
            .setHttp2MaxPoolSize(1)
            // A kept connection is the point: never close it for being idle (fabric8: 60 s).
            .setHttp2KeepAliveTimeout(0)
            .setHttp2ConnectionWindowSize(CONNECTION_WINDOW)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW))
            // Only used if the server refuses h2: as fabric8 builds it.
            .setMaxPoolSize(MAX_CONNECTIONS)
            .setMaxWebSockets(MAX_CONNECTIONS)
            .setMaxWebSocketFrameSize(Integer.MAX_VALUE)
            .setMaxWebSocketMessageSize(Integer.MAX_VALUE);
    if (connectTimeout != null) {
      options.setConnectTimeout((int) connectTimeout.toMillis());
    }
    if (followRedirects) {
      options.setFollowRedirects(true);
    }
    String[] protocols = null;
    if (tlsVersions != null && tlsVersions.length > 0) {
      protocols = Arrays.stream(tlsVersions).map(TlsVersion::javaName).toArray(String[]::new);
      options.setEnabledSecureTransportProtocols(new LinkedHashSet<>(Arrays.asList(protocols)));
    }
    if (sslContext != null) {
      options.setSsl(true).setSslEngineOptions(new ContextEngineOptions(sslContext, protocols));
    }
    return options;
  }

  /**
   * Vert.x's JDK engine over fabric8's {@link SSLContext} (client certificates, trust), with ALPN
   * as Vert.x asks for it (fabric8's own engine options disable ALPN).
   */
  static final class ContextEngineOptions extends JdkSSLEngineOptions {
    private final SSLContext context;
    private final String[] protocols;

    ContextEngineOptions(SSLContext context, String[] protocols) {
      this.context = context;
      this.protocols = protocols;
    }

    @Override
    public JdkSSLEngineOptions copy() {
      return this;
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new AlpnSslContextFactory(context, protocols);
    }
  }

  /** Builds Netty's context from the given JDK context and the ALPN protocols Vert.x offers. */
  static final class AlpnSslContextFactory implements SslContextFactory {
    private final SSLContext context;
    private final String[] protocols;
    private boolean useAlpn;
    private List<String> applicationProtocols = List.of();

    AlpnSslContextFactory(SSLContext context, String[] protocols) {
      this.context = context;
      this.protocols = protocols;
    }

    @Override
    public SslContextFactory useAlpn(boolean useAlpn) {
      this.useAlpn = useAlpn;
      return this;
    }

    @Override
    public SslContextFactory applicationProtocols(List<String> applicationProtocols) {
      this.applicationProtocols = applicationProtocols == null ? List.of() : applicationProtocols;
      return this;
    }

    @Override
    public io.netty.handler.ssl.SslContext create() {
      io.netty.handler.ssl.ApplicationProtocolConfig alpn =
          useAlpn && !applicationProtocols.isEmpty()
              ? new io.netty.handler.ssl.ApplicationProtocolConfig(
                  io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                  io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior
                      .NO_ADVERTISE,
                  io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior
                      .ACCEPT,
                  applicationProtocols)
              : io.netty.handler.ssl.ApplicationProtocolConfig.DISABLED;
      return new io.netty.handler.ssl.JdkSslContext(
          context,
          true,
          null,
          io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE,
          alpn,
          io.netty.handler.ssl.ClientAuth.NONE,
          protocols,
          false);
    }
  }
}
