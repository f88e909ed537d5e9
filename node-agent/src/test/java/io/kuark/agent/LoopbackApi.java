package io.kuark.agent;

import com.sun.net.httpserver.HttpExchange;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/** Pieces of the fake API servers on loopback that tests of the agent's retries stand up. */
public final class LoopbackApi {

  private LoopbackApi() {}

  /** A loopback port free now, for a server a test starts (or leaves closed) there. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * A client of {@code http://127.0.0.1:port} without fabric8's own request retries: each failure
   * reaches the code under test, whose retries are what the test observes.
   */
  public static KubernetesClient clientWithoutRetries(int port) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port)
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  /** Answers {@code exchange} with {@code code} and a JSON body. */
  public static void reply(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
