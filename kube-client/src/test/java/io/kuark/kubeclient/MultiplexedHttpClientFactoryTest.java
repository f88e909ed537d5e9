package io.kuark.kubeclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The factory's clients against a TLS server that offers h2 (as kuark-server does) or only
 * HTTP/1.1: the server holds every pod GET until all of a burst have arrived, so a client that
 * needs one connection per concurrent request cannot pass with fewer connections.
 */
class MultiplexedHttpClientFactoryTest {
  private static final int BURST = 16;

  private Vertx vertx;
  private HttpServer server;
  private final AtomicInteger connections = new AtomicInteger();
  private final Set<HttpVersion> versions = ConcurrentHashMap.newKeySet();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private int hold = BURST;

  private void startServer(boolean offerH2) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(0)
            .setSsl(true)
            .setKeyCertOptions(cert.keyCertOptions());
    if (offerH2) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(c -> connections.incrementAndGet())
            .requestHandler(this::handle)
            .listen()
            .toCompletionStage()
            .toCompletableFuture()
            .join();
  }

  private void handle(HttpServerRequest request) {
    versions.add(request.version());
    if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      request
          .toWebSocket()
          .onSuccess(
              ws -> ws.writeTextMessage("{\"type\":\"ADDED\",\"object\":" + pod("watched") + "}"));
      return;
    }
    held.add(request);
    if (held.size() >= hold) {
      for (HttpServerRequest r : held) {
        String name = r.path().substring(r.path().lastIndexOf('/') + 1);
        r.response().putHeader("Content-Type", "application/json").end(pod(name));
      }
      held.clear();
    }
  }

  private static String pod(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"default\",\"resourceVersion\":\"1\"}}";
  }

  private KubernetesClient client(HttpClient.Factory factory) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + server.actualPort())
            .withTrustCerts(true)
            .withRequestTimeout(120_000)
            .build();
    return new KubernetesClientBuilder().withHttpClientFactory(factory).withConfig(config).build();
  }

  private List<String> burst(KubernetesClient client) {
    List<CompletableFuture<Pod>> gets = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      String name = "p" + i;
      gets.add(
          CompletableFuture.supplyAsync(
              () -> client.pods().inNamespace("default").withName(name).get()));
    }
    return gets.stream().map(f -> f.join().getMetadata().getName()).toList();
  }

  @Test
  void burstSharesOneHttp2Connection() {
    startServer(true);
    try (KubernetesClient client = client(new MultiplexedHttpClientFactory(vertx))) {
      assertThat(burst(client)).hasSize(BURST).contains("p0", "p15");
      // A derived client (as each controller's, with its own interceptors) shares it too.
      try (KubernetesClient derived =
          new io.fabric8.kubernetes.client.impl.KubernetesClientImpl(
              client.getHttpClient().newBuilder().build(),
              client.getConfiguration(),
              null,
              client.getKubernetesSerialization())) {
        assertThat(burst(derived)).hasSize(BURST);
      }
    }
    assertThat(connections).hasValue(1);
    assertThat(versions).containsExactly(HttpVersion.HTTP_2);
  }

  /** Why the factory exists: fabric8's own client opens a connection per concurrent request. */
  @Test
  void fabric8DefaultOpensOneConnectionPerConcurrentRequest() {
    startServer(true);
    try (KubernetesClient client = client(new VertxHttpClientFactory(vertx))) {
      assertThat(burst(client)).hasSize(BURST);
    }
    assertThat(connections).hasValue(BURST);
    assertThat(versions).containsExactly(HttpVersion.HTTP_1_1);
  }

  /**
   * Against a server without h2 the client still works, over HTTP/1.1 (Vert.x then keeps to one
   * connection at a time, so the server answers each request at once here).
   */
  @Test
  void serverWithoutH2GetsHttp11() {
    hold = 1;
    startServer(false);
    try (KubernetesClient client = client(new MultiplexedHttpClientFactory())) {
      assertThat(burst(client)).hasSize(BURST);
    }
    assertThat(versions).containsExactly(HttpVersion.HTTP_1_1);
  }

  @Test
  void watchesStillUseWebSockets() {
    startServer(true);
    List<String> seen = new CopyOnWriteArrayList<>();
    try (KubernetesClient client = client(new MultiplexedHttpClientFactory(vertx));
        Watch watch =
            client
                .pods()
                .inNamespace("default")
                .watch(
                    new Watcher<Pod>() {
                      @Override
                      public void eventReceived(Action action, Pod pod) {
                        seen.add(action + " " + pod.getMetadata().getName());
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    })) {
      await().atMost(Duration.ofMinutes(2)).until(() -> seen.contains("ADDED watched"));
      // The ordinary requests of the same client still go over h2.
      assertThat(burst(client)).hasSize(BURST);
    }
    assertThat(versions).containsExactlyInAnyOrder(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2);
  }
}
