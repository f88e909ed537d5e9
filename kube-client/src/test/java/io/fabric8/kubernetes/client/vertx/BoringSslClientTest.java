package io.fabric8.kubernetes.client.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import io.kuark.kubeclient.NativeTls;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The multiplexing builder's TLS through BoringSSL: the same client certificate, trust and host
 * name checks as fabric8's JDK context, against a server that requires a client certificate.
 */
class BoringSslClientTest {

  private Vertx vertx;
  private HttpServer server;
  private final AtomicReference<String> clientSubject = new AtomicReference<>();
  private final SelfSignedCertificate serverCert = SelfSignedCertificate.create("localhost");
  private final SelfSignedCertificate clientCert = SelfSignedCertificate.create("kuark-client");

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer(
                new HttpServerOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setSsl(true)
                    .setUseAlpn(true)
                    .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                    .setKeyCertOptions(serverCert.keyCertOptions())
                    .setTrustOptions(clientCert.trustOptions())
                    .setClientAuth(ClientAuth.REQUIRED))
            .requestHandler(this::handle)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  @AfterEach
  void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    serverCert.delete();
    clientCert.delete();
  }

  private void handle(HttpServerRequest request) {
    try {
      X509Certificate peer = (X509Certificate) request.sslSession().getPeerCertificates()[0];
      clientSubject.set(peer.getSubjectX500Principal().getName());
    } catch (SSLPeerUnverifiedException e) {
      clientSubject.set("none");
    }
    request
        .response()
        .putHeader("Content-Type", "application/json")
        .end(
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\","
                + "\"resourceVersion\":\"1\"}}");
  }

  private KubernetesClient client(String host, String caFile) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl("https://" + host + ":" + server.actualPort())
            .withCaCertFile(caFile)
            .withClientCertFile(clientCert.certificatePath())
            .withClientKeyFile(clientCert.privateKeyPath())
            .withRequestTimeout(30_000)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new MultiplexedHttpClientFactory())
        .withConfig(config)
        .build();
  }

  @Test
  void boringSslIsUsedWhereItLoads() {
    // CI and the packages are Linux x86-64 or aarch64, whose libraries Kuark ships.
    assertThat(NativeTls.available()).isTrue();
    MultiplexingVertxHttpClientBuilder<MultiplexedHttpClientFactory> builder =
        new MultiplexedHttpClientFactory().newBuilder();
    builder.sslContext(null, null);
    assertThat(builder.options().getSslEngineOptions())
        .isInstanceOf(MultiplexingVertxHttpClientBuilder.BoringSslEngineOptions.class);
  }

  @Test
  void presentsTheClientCertificateAndTrustsTheGivenAuthority() {
    try (KubernetesClient client = client("localhost", serverCert.certificatePath())) {
      assertThat(client.namespaces().withName("default").get().getMetadata().getName())
          .isEqualTo("default");
    }
    assertThat(clientSubject.get()).isEqualTo("CN=kuark-client");
  }

  @Test
  void refusesAServerItDoesNotTrust() {
    SelfSignedCertificate other = SelfSignedCertificate.create("localhost");
    try (KubernetesClient client = client("localhost", other.certificatePath())) {
      assertThatThrownBy(() -> client.namespaces().withName("default").get())
          .hasStackTraceContaining("SSL");
    } finally {
      other.delete();
    }
    assertThat(clientSubject.get()).isNull();
  }

  @Test
  void refusesACertificateThatDoesNotNameTheHost() {
    // The server's certificate names "localhost" only, not 127.0.0.1.
    try (KubernetesClient client = client("127.0.0.1", serverCert.certificatePath())) {
      assertThatThrownBy(() -> client.namespaces().withName("default").get())
          .hasStackTraceContaining("subject alternative names");
    }
    assertThat(clientSubject.get()).isNull();
  }
}
