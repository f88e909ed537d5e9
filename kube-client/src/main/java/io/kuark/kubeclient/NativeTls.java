package io.kuark.kubeclient;

import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS engine Kuark's servers and clients use: BoringSSL (netty-tcnative) when its library loads
 * and supports ALPN, else the JDK's.
 *
 * <p>Why not always the JDK's: its AES-GCM and GHASH are fast only as C2 intrinsics. Kuark's agent
 * runs C1 only (and C1 code is what any JVM runs for its first minutes), and there the JDK spent
 * about three quarters of the API server's CPU of a 1,000-object list encrypting it in Java
 * (docs/benchmarks.md, "TLS through BoringSSL"). A native image compiles the JDK's cipher code
 * ahead of time with its intrinsics, so the fallback costs little there.
 */
public final class NativeTls {

  private NativeTls() {}

  /** True when BoringSSL is usable here (its library loaded, ALPN supported). */
  public static boolean available() {
    return OpenSSLEngineOptions.isAlpnAvailable();
  }

  /**
   * Vert.x engine options for a server or a client with Vert.x key and trust options: BoringSSL
   * when {@link #available()}, else the JDK's.
   */
  public static SSLEngineOptions engine() {
    return available() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }

  /** The same choice for a Netty {@code SslContextBuilder}. */
  public static SslProvider provider() {
    return available() ? SslProvider.OPENSSL : SslProvider.JDK;
  }
}
