package io.kuark.agent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.AgentFlags;
import io.kuark.agent.LoopbackApi;
import io.kuark.agent.RetryWait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node registration against an API server on loopback that is not there at first, then refuses or
 * fails requests, then answers. The client does not retry on its own, so every failed request is
 * one failed attempt; the waits are recorded, not slept.
 */
class NodeRegistrationRetryTest {

  private static final String NODE =
      "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"n1\","
          + "\"resourceVersion\":\"3\"},\"spec\":{\"podCIDR\":\"10.42.0.0/24\"}}";
  private static final String LEASE =
      "{\"kind\":\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":{\"name\":\"n1\","
          + "\"namespace\":\"kube-node-lease\",\"resourceVersion\":\"4\"},\"spec\":{}}";

  @TempDir Path dir;
  private HttpServer server;
  private KubernetesClient client;
  private NodeAgent node;

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * A minimal API server for one node: the first {@code refusals} requests are answered with {@code
   * refusalCode}; then the Node and its Lease are missing until created.
   */
  private static HttpServer api(
      int port, int refusals, int refusalCode, AtomicInteger requests, AtomicBoolean created)
      throws IOException {
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    api.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String method = exchange.getRequestMethod();
          if (requests.incrementAndGet() <= refusals) {
            LoopbackApi.reply(exchange, refusalCode, status(refusalCode));
          } else if (path.equals("/api/v1/nodes/n1") && method.equals("GET")) {
            LoopbackApi.reply(
                exchange, created.get() ? 200 : 404, created.get() ? NODE : status(404));
          } else if (path.equals("/api/v1/nodes") && method.equals("POST")) {
            created.set(true);
            LoopbackApi.reply(exchange, 201, NODE);
          } else if (path.equals("/api/v1/nodes/n1/status") && method.equals("PATCH")) {
            LoopbackApi.reply(exchange, 200, NODE);
          } else if (path.endsWith("/leases/n1") && method.equals("GET")) {
            LoopbackApi.reply(exchange, 404, status(404));
          } else if (path.endsWith("/leases") && method.equals("POST")) {
            LoopbackApi.reply(exchange, 201, LEASE);
          } else {
            LoopbackApi.reply(exchange, 404, status(404));
          }
        });
    return api;
  }

  private static String status(int code) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
        + code
        + "}";
  }

  private NodeAgent nodeAgent(int port, RetryWait wait) throws Exception {
    AgentConfig config =
        AgentFlags.parse(
            "--kubeconfig",
            dir.resolve("unused").toString(),
            "--node-name",
            "n1",
            "--node-ip",
            "127.0.0.1",
            "--data-dir",
            dir.resolve("data").toString());
    client = LoopbackApi.clientWithoutRetries(port);
    return new NodeAgent(client, config, "runc test", Clock.systemUTC(), wait);
  }

  /** Starts the API server from within the recorded wait number {@code after}. */
  private RetryWait startingServerAfter(int after, List<Duration> waits, ServerFactory factory) {
    return wait -> {
      waits.add(wait);
      if (waits.size() == after) {
        try {
          server = factory.create();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        server.start();
      }
    };
  }

  private interface ServerFactory {
    HttpServer create() throws IOException;
  }

  @Test
  void registrationIsTriedAgainWithKubeletsBackOffWhileTheServerIsDownOrFailing() throws Exception {
    int port = LoopbackApi.freePort();
    AtomicInteger requests = new AtomicInteger();
    AtomicBoolean created = new AtomicBoolean();
    List<Duration> waits = new ArrayList<>();
    node =
        nodeAgent(port, startingServerAfter(2, waits, () -> api(port, 2, 503, requests, created)));

    Node registered = node.registerRetrying();

    // Two attempts found nothing listening, two were answered 503, the fifth registered.
    assertThat(waits).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 800L);
    assertThat(created).isTrue();
    assertThat(registered.getMetadata().getName()).isEqualTo("n1");
  }

  @Test
  void aRefusalIsTriedAgainAsKubeletDoes() throws Exception {
    int port = LoopbackApi.freePort();
    AtomicInteger requests = new AtomicInteger();
    AtomicBoolean created = new AtomicBoolean();
    server = api(port, 2, 403, requests, created);
    server.start();
    List<Duration> waits = new ArrayList<>();
    node = nodeAgent(port, waits::add);

    node.registerRetrying();

    assertThat(waits).extracting(Duration::toMillis).containsExactly(100L, 200L);
    assertThat(created).isTrue();
  }

  @Test
  void closingWhileWaitingEndsTheAttempts() throws Exception {
    int port = LoopbackApi.freePort();
    List<Duration> waits = new ArrayList<>();
    node =
        nodeAgent(
            port,
            wait -> {
              waits.add(wait);
              node.close();
            });

    IOException stopped = assertThrows(IOException.class, node::registerRetrying);

    assertThat(stopped).hasMessageContaining("stopped before node n1 was registered");
    assertThat(waits).hasSize(1);
  }

  @Test
  void thePodCidrIsStillAwaitedAfterAFailedRead() throws Exception {
    int port = LoopbackApi.freePort();
    AtomicInteger requests = new AtomicInteger();
    AtomicBoolean created = new AtomicBoolean(true);
    server = api(port, 1, 503, requests, created);
    server.start();
    node = nodeAgent(port, wait -> {});

    assertThat(node.awaitPodCidr(Duration.ofMinutes(1))).isEqualTo("10.42.0.0/24");
    assertThat(requests.get()).isEqualTo(2);
  }
}
