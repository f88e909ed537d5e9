package io.fabric8.kubernetes.client.vertx;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.kuark.kubeclient.NativeTls;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

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
      options.setSsl(true).setSslEngineOptions(engineOptions(protocols));
    }
    return options;
  }

  /**
   * BoringSSL over fabric8's key and trust managers when it is available ({@link NativeTls}), else
   * the JDK's engine over fabric8's {@link SSLContext}. Both present the same client certificate
   * and trust the same certificates: the managers are the ones the context was made from.
   */
  private SSLEngineOptions engineOptions(String[] protocols) {
    X509KeyManager key = first(keyManagers, X509KeyManager.class);
    X509TrustManager trust = first(trustManagers, X509TrustManager.class);
    boolean managersKnown =
        (keyManagers == null || key != null) && (trustManagers == null || trust != null);
    if (managersKnown && NativeTls.available()) {
      return new BoringSslEngineOptions(key, trust, protocols);
    }
    return new ContextEngineOptions(sslContext, protocols);
  }

  private static <M> M first(Object[] managers, Class<M> type) {
    if (managers == null) {
      return null;
    }
    for (Object manager : managers) {
      if (type.isInstance(manager)) {
        return type.cast(manager);
      }
    }
    return null;
  }

  /** A context factory that keeps the ALPN wishes Vert.x passes it, for its {@link #alpn()}. */
  abstract static class AlpnContextFactory implements SslContextFactory {
    private boolean useAlpn;
    private List<String> applicationProtocols = List.of();

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

    /** ALPN as Vert.x asks for it: offered only when it wants ALPN and names protocols. */
    ApplicationProtocolConfig alpn() {
      return useAlpn && !applicationProtocols.isEmpty()
          ? new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              applicationProtocols)
          : ApplicationProtocolConfig.DISABLED;
    }
  }

  /** Vert.x's OpenSSL engine, with its context built from fabric8's managers. */
  static final class BoringSslEngineOptions extends OpenSSLEngineOptions {
    private final X509KeyManager key;
    private final X509TrustManager trust;
    private final String[] protocols;

    BoringSslEngineOptions(X509KeyManager key, X509TrustManager trust, String[] protocols) {
      this.key = key;
      this.trust = trust;
      this.protocols = protocols;
    }

    @Override
    public OpenSSLEngineOptions copy() {
      return this;
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new BoringSslContextFactory(key, trust, protocols);
    }
  }

  /** Builds a BoringSSL client context from a key manager (may be null) and a trust manager. */
  static final class BoringSslContextFactory extends AlpnContextFactory {
    private final X509KeyManager key;
    private final X509TrustManager trust;
    private final String[] protocols;

    BoringSslContextFactory(X509KeyManager key, X509TrustManager trust, String[] protocols) {
      this.key = key;
      this.trust = trust;
      this.protocols = protocols;
    }

    @Override
    public SslContext create() throws SSLException {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.OPENSSL)
              .applicationProtocolConfig(alpn());
      if (key != null) {
        builder.keyManager(key);
      }
      if (trust != null) {
        // Null leaves the JDK's default trust, as fabric8's context has without managers.
        builder.trustManager(trust);
      }
      if (protocols != null) {
        builder.protocols(protocols);
      }
      return builder.build();
    }
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
  static final class AlpnSslContextFactory extends AlpnContextFactory {
    private final SSLContext context;
    private final String[] protocols;

    AlpnSslContextFactory(SSLContext context, String[] protocols) {
      this.context = context;
      this.protocols = protocols;
    }

    @Override
    public SslContext create() {
      return new JdkSslContext(
          context,
          true,
          null,
          IdentityCipherSuiteFilter.INSTANCE,
          alpn(),
          io.netty.handler.ssl.ClientAuth.NONE,
          protocols,
          false);
    }
  }
}
