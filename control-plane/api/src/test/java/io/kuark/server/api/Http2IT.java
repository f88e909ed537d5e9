package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import io.kuark.server.auth.pki.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The API server over HTTP/2 (offered by ALPN, as kube-apiserver does): client certificates
 * authenticate h2 requests, watches stream their events over an h2 stream, and fabric8 clients of
 * {@link MultiplexedHttpClientFactory} work against it (requests over h2, watches over WebSocket).
 * HTTP/1.1 clients are covered by every other test of this module.
 */
class Http2IT {

  private static HttpClient h2Client(TestApiServer api) {
    return api.vertx.createHttpClient(h2Options(api, api.pki.admin()));
  }

  private static HttpClientOptions h2Options(TestApiServer api, IssuedCertificate client) {
    return new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setKeyValue(Buffer.buffer(Pem.encode(client.key())))
                .setCertValue(Buffer.buffer(Pem.encode(client.certificate()))))
        .setTrustOptions(
            new PemTrustOptions()
                .addCertValue(Buffer.buffer(Pem.encode(api.pki.ca().certificate()))));
  }

  private static Answer selfReview(TestApiServer api, HttpClient http) {
    // The body is read in the same chain: body bytes that arrive before a handler is set would
    // be lost.
    return http.request(
            request(api, HttpMethod.POST, "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
        .compose(
            r ->
                r.send(
                    "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"))
        .compose(r -> r.body().map(body -> new Answer(r.version(), r.statusCode(), body)))
        .toCompletionStage()
        .toCompletableFuture()
        .join();
  }

  private static RequestOptions request(TestApiServer api, HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setHost("127.0.0.1")
        .setPort(api.server.port())
        .setURI(path)
        .putHeader("Content-Type", "application/json");
  }

  private record Answer(HttpVersion version, int status, Buffer body) {}

  @Test
  void clientCertificateAuthenticatesHttp2Requests() {
    try (TestApiServer api = new TestApiServer()) {
      HttpClient http = h2Client(api);
      Answer answer = selfReview(api, http);
      assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
      JsonObject review = new JsonObject(answer.body());
      assertThat(review.getJsonObject("status").getJsonObject("userInfo").getString("username"))
          .isEqualTo("admin");
      http.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /**
   * A kept connection outlives its client certificate's validity: the first request after expiry is
   * a 401 (upstream checks the certificate at each request's time) and the server then closes the
   * connection, so a client with a rotated certificate connects anew with it.
   */
  @Test
  void expiredCertificateOnAKeptConnectionIsRefusedAndTheConnectionClosed() {
    try (TestApiServer api = new TestApiServer()) {
      IssuedCertificate shortLived =
          api.pki
              .ca()
              .withLeafValidity(Duration.ofSeconds(20))
              .issueClient("short-lived", List.of("system:masters"));
      AtomicInteger closed = new AtomicInteger();
      HttpClient http =
          api.vertx
              .httpClientBuilder()
              .with(h2Options(api, shortLived))
              .withConnectHandler(c -> c.closeHandler(v -> closed.incrementAndGet()))
              .build();
      Answer before = selfReview(api, http);
      assertThat(before.status()).as(before.body().toString()).isEqualTo(201);
      Instant notAfter = shortLived.certificate().getNotAfter().toInstant();
      await().atMost(Duration.ofMinutes(2)).until(() -> Instant.now().isAfter(notAfter));

      Answer after = selfReview(api, http);

      assertThat(after.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(after.status()).isEqualTo(401);
      assertThat(new JsonObject(after.body()).getString("reason")).isEqualTo("Unauthorized");
      await().atMost(Duration.ofMinutes(1)).until(() -> closed.get() == 1);
      http.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void watchStreamsEventsOverAnHttp2Stream() {
    try (TestApiServer api = new TestApiServer()) {
      HttpClient http = h2Client(api);
      StringBuffer events = new StringBuffer();
      HttpClientResponse watch =
          http.request(request(api, HttpMethod.GET, "/api/v1/namespaces?watch=true"))
              .compose(r -> r.send())
              .map(r -> r.handler(b -> events.append(b.toString())))
              .toCompletionStage()
              .toCompletableFuture()
              .join();
      assertThat(watch.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(watch.statusCode()).isEqualTo(200);
      // Created over the same connection while the watch's stream stays open.
      HttpClientResponse created =
          http.request(request(api, HttpMethod.POST, "/api/v1/namespaces"))
              .compose(
                  r ->
                      r.send(
                          "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"h2-watched\"}}"))
              .toCompletionStage()
              .toCompletableFuture()
              .join();
      assertThat(created.statusCode()).isEqualTo(201);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> events.toString().contains("\"name\":\"h2-watched\""));
      assertThat(events.toString()).contains("\"type\":\"ADDED\"");
      http.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void fabric8ClientOfTheFactoryCreatesAndWatches() {
    try (TestApiServer api = new TestApiServer();
        KubernetesClient client =
            new KubernetesClientBuilder()
                .withHttpClientFactory(new MultiplexedHttpClientFactory(api.vertx))
                .withConfig(Config.fromKubeconfig(api.readKubeconfig()))
                .build()) {
      List<String> seen = new CopyOnWriteArrayList<>();
      try (Watch watch =
          client
              .namespaces()
              .watch(
                  new Watcher<Namespace>() {
                    @Override
                    public void eventReceived(Action action, Namespace ns) {
                      seen.add(action + " " + ns.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        for (int i = 0; i < 8; i++) {
          client
              .namespaces()
              .resource(
                  new NamespaceBuilder()
                      .withNewMetadata()
                      .withName("mx-" + i)
                      .endMetadata()
                      .build())
              .create();
        }
        assertThat(client.namespaces().list().getItems())
            .extracting(n -> n.getMetadata().getName())
            .contains("mx-0", "mx-7");
        await().atMost(Duration.ofMinutes(2)).until(() -> seen.contains("ADDED mx-7"));
      }
    }
  }
}
