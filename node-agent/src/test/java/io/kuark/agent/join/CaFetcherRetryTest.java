package io.kuark.agent.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kuark.agent.LoopbackApi;
import io.kuark.agent.RetryWait;
import io.kuark.agent.api.ServingCertificate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fetching the cluster CA from a server on loopback that is not there at first, then answers 503,
 * then serves the CA; the waits are recorded, not slept.
 */
class CaFetcherRetryTest {

  private static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nnot parsed here\n";
  private static final String SECRET = "::abcdef.0123456789abcdef";

  private HttpsServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Serves {@code /cacerts}: 503 for the first {@code failures} requests, then the CA. */
  private static HttpsServer caServer(int port, int failures, AtomicInteger requests)
      throws Exception {
    ServingCertificate tls = ServingCertificate.generate("localhost", List.of("127.0.0.1"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("tls", tls.key(), new char[0], new Certificate[] {tls.certificate()});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(keys.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ssl));
    https.createContext(
        "/cacerts",
        exchange -> {
          boolean fail = requests.incrementAndGet() <= failures;
          byte[] body = (fail ? "not ready" : CA_PEM).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    return https;
  }

  private static JoinToken token(String pem) {
    return JoinToken.parse("K10" + CaFetcher.sha256(pem) + SECRET);
  }

  @Test
  void theCaIsFetchedOnceTheServerIsUpAndReady() throws Exception {
    int port = LoopbackApi.freePort();
    AtomicInteger requests = new AtomicInteger();
    List<Duration> waits = new ArrayList<>();
    RetryWait wait =
        next -> {
          waits.add(next);
          if (waits.size() == 2) {
            // Two attempts found nothing listening; now the server is up but not yet ready.
            try {
              server = caServer(port, 1, requests);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            server.start();
          }
        };

    String pem =
        CaFetcher.fetchVerifiedRetrying(
            "https://127.0.0.1:" + port, token(CA_PEM), new CountDownLatch(1), wait);

    assertThat(pem).isEqualTo(CA_PEM);
    assertThat(waits).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L);
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void aCaThatDoesNotMatchTheTokenEndsTheJoinAtOnce() throws Exception {
    int port = LoopbackApi.freePort();
    server = caServer(port, 0, new AtomicInteger());
    server.start();
    List<Duration> waits = new ArrayList<>();

    JoinException refused =
        assertThrows(
            JoinException.class,
            () ->
                CaFetcher.fetchVerifiedRetrying(
                    "https://127.0.0.1:" + port,
                    token("another CA"),
                    new CountDownLatch(1),
                    waits::add));

    assertThat(refused).hasMessageContaining("does not match the join token");
    assertThat(waits).isEmpty();
  }

  @Test
  void stoppingWhileWaitingEndsTheAttempts() throws Exception {
    int port = LoopbackApi.freePort();
    CountDownLatch stop = new CountDownLatch(1);
    List<Duration> waits = new ArrayList<>();

    JoinException stopped =
        assertThrows(
            JoinException.class,
            () ->
                CaFetcher.fetchVerifiedRetrying(
                    "https://127.0.0.1:" + port,
                    token(CA_PEM),
                    stop,
                    next -> {
                      waits.add(next);
                      stop.countDown();
                    }));

    assertThat(stopped).hasMessageContaining("stopped before the cluster CA was fetched");
    assertThat(waits).hasSize(1);
  }
}
