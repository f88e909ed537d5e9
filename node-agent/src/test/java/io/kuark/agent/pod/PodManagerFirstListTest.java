package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.AgentFlags;
import io.kuark.agent.LoopbackApi;
import io.kuark.agent.RetryBackoff;
import io.kuark.agent.RetryWait;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.runtime.ContainerRuntime;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod manager's first list against an API server on loopback that is not there at first, then
 * fails lists with 503, then answers. The client does not retry on its own, so every failed request
 * is one failed attempt of the manager; the waits are recorded, not slept.
 */
class PodManagerFirstListTest {

  private static final String POD_LIST =
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"5\"},"
          + "\"items\":[]}";
  private static final String UNAVAILABLE =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":503}";

  @TempDir Path dir;
  private HttpServer server;
  private KubernetesClient client;
  private PodManager pods;

  @AfterEach
  void tearDown() {
    if (pods != null) {
      pods.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  /** Answers pod lists: 503 for the first {@code failures}, then an empty list; watches idle. */
  private HttpServer api(int port, int failures, AtomicInteger lists) throws IOException {
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    api.createContext(
        "/",
        exchange -> {
          String query = exchange.getRequestURI().getRawQuery();
          boolean watch = query != null && query.contains("watch=true");
          boolean fail = !watch && lists.incrementAndGet() <= failures;
          byte[] body =
              (watch ? "" : fail ? UNAVAILABLE : POD_LIST).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(fail ? 503 : 200, watch ? 0 : body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    return api;
  }

  private PodManager manager(int port, RetryWait sleeper) throws Exception {
    AgentConfig config =
        AgentFlags.parse(
            "--kubeconfig",
            dir.resolve("unused").toString(),
            "--node-name",
            "n1",
            "--data-dir",
            dir.resolve("data").toString());
    client = LoopbackApi.clientWithoutRetries(port);
    PodManager.Deps deps =
        new PodManager.Deps(
            config, null, noContainers(), null, null, null, EventRecorder.NONE, Clock.systemUTC());
    return new PodManager(deps, client, sleeper);
  }

  /** A runtime that has no containers (the leftover clean-up after the first list asks). */
  private static ContainerRuntime noContainers() {
    return (ContainerRuntime)
        Proxy.newProxyInstance(
            ContainerRuntime.class.getClassLoader(),
            new Class<?>[] {ContainerRuntime.class},
            (proxy, method, args) -> {
              if (method.getName().equals("list")) {
                return List.of();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @Test
  void aFailingFirstListIsTriedAgainWithBackOffUntilItSucceeds() throws Exception {
    int port = LoopbackApi.freePort();
    AtomicInteger lists = new AtomicInteger();
    List<Duration> waits = new ArrayList<>();
    pods =
        manager(
            port,
            wait -> {
              waits.add(wait);
              if (waits.size() == 2) {
                // Two attempts found nothing listening; now the server is up but not yet healthy.
                try {
                  server = api(port, 2, lists);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
                server.start();
              }
            });

    pods.start();

    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(800),
            Duration.ofMillis(1600),
            Duration.ofMillis(3200),
            Duration.ofMillis(6400));
    assertThat(lists.get()).isEqualTo(3);
    assertThat(pods.boundPods()).isEmpty();
    assertThat(Files.isDirectory(dir.resolve("data/agent/pods"))).isTrue();
  }

  @Test
  void theBackOffDoublesUpToThirtySeconds() {
    RetryBackoff backoff = RetryBackoff.reflectorList();
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      waits.add(backoff.next());
    }
    assertThat(waits)
        .extracting(Duration::toMillis)
        .containsExactly(800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L);
  }

  @Test
  void aManagerShutDownWhileWaitingStopsTrying() throws Exception {
    int port = LoopbackApi.freePort();
    List<Duration> waits = new ArrayList<>();
    pods =
        manager(
            port,
            wait -> {
              waits.add(wait);
              pods.shutdown(false);
            });

    org.junit.jupiter.api.Assertions.assertThrows(IOException.class, pods::start);
    assertThat(waits).hasSize(1);
  }
}
