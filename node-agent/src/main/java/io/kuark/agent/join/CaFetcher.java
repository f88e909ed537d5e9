package io.kuark.agent.join;

import io.kuark.agent.RetryBackoff;
import io.kuark.agent.RetryWait;
import io.kuark.agent.Retrying;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches the cluster CA from the server's {@code /cacerts} without trusting the server (nothing is
 * trusted yet), then accepts it only if its SHA-256 equals the hash in the join token, so a server
 * impersonating the real one is refused before any credentials are sent.
 */
public final class CaFetcher {

  private CaFetcher() {}

  /** The server could not be asked, or answered that it cannot serve yet (5xx). */
  static final class NotReady extends JoinException {
    NotReady(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@link #fetchVerified}, tried again while the server cannot be reached or answers 5xx, after
   * {@link RetryBackoff#nodeRegistration()}'s waits, one warning per attempt, as kubelet keeps
   * trying to register: an agent started before its server joins once the server is up. Other
   * answers (a CA that does not match the token, another status) end the join at once.
   *
   * @param stop counted down when the agent stops: no further attempt is made
   * @param wait waits between attempts (production: {@link RetryWait#until} {@code stop})
   * @throws JoinException when the CA is refused, or the agent stopped before it was fetched
   */
  public static String fetchVerifiedRetrying(
      String serverUrl, JoinToken token, CountDownLatch stop, RetryWait wait)
      throws JoinException, InterruptedException {
    return new Retrying<>("fetching the cluster CA", NotReady.class, NotReady::getMessage)
        .run(
            () -> fetchVerified(serverUrl, token),
            RetryBackoff.nodeRegistration(),
            wait,
            () -> stop.getCount() == 0,
            cause -> new JoinException("stopped before the cluster CA was fetched", cause));
  }

  /** The CA certificate PEM, verified against {@code token}'s hash. */
  public static String fetchVerified(String serverUrl, JoinToken token) throws JoinException {
    String pem;
    try {
      javax.net.ssl.HttpsURLConnection conn =
          (javax.net.ssl.HttpsURLConnection)
              URI.create(serverUrl + "/cacerts").toURL().openConnection();
      conn.setSSLSocketFactory(trustAnything().getSocketFactory());
      // Nothing about the server is trusted here, its name included: the hash decides.
      conn.setHostnameVerifier((host, session) -> true);
      conn.setConnectTimeout(30_000);
      conn.setReadTimeout(30_000);
      int code = conn.getResponseCode();
      if (code >= 500) {
        throw new NotReady(
            "the server " + serverUrl + " cannot serve the cluster CA yet: HTTP " + code, null);
      }
      if (code != 200) {
        throw new JoinException(
            "cannot fetch the cluster CA from " + serverUrl + "/cacerts: HTTP " + code);
      }
      try (java.io.InputStream in = conn.getInputStream()) {
        pem = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new NotReady("cannot reach the server " + serverUrl + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new JoinException("cannot reach the server " + serverUrl + ": " + e.getMessage(), e);
    }
    String hash = sha256(pem);
    if (!MessageDigest.isEqual(
        hash.getBytes(StandardCharsets.US_ASCII),
        token.caHash().getBytes(StandardCharsets.US_ASCII))) {
      throw new JoinException(
          "the server's CA certificate does not match the join token: its sha256 is "
              + hash
              + ", the token expects "
              + token.caHash()
              + "; refusing to join (wrong server, or a token from another cluster)");
    }
    return pem;
  }

  static String sha256(String pem) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private static SSLContext trustAnything() throws IOException {
    // Only for this one anonymous GET: what it returns is checked against the token's hash.
    TrustManager any =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {any}, new SecureRandom());
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
