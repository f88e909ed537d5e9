package io.kuark.agent.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode on loopback. Its watch filtering only knows names,
 * namespaces and labels, so the client strips {@code spec.nodeName} field selectors (the agent
 * re-checks the node name of every pod it sees).
 */
public final class MockApi implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockApi() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    Interceptor stripNodeSelector =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            URI uri = request.uri();
            String query = uri.getRawQuery();
            if (query != null && query.contains("fieldSelector=spec.nodeName")) {
              String stripped =
                  query
                      .replaceAll("(^|&)fieldSelector=spec.nodeName[^&]*", "")
                      .replaceAll("^&", "");
              builder.uri(
                  URI.create(
                      uri.getScheme()
                          + "://"
                          + uri.getRawAuthority()
                          + uri.getRawPath()
                          + (stripped.isEmpty() ? "" : "?" + stripped)));
            }
          }
        };
    client =
        new KubernetesClientBuilder()
            .withConfig(server.createClient().getConfiguration())
            .withHttpClientBuilderConsumer(
                b -> b.addOrReplaceInterceptor("strip-node-selector", stripNodeSelector))
            .build();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Requests the mock server has answered so far. */
  public int requestCount() {
    return server.getRequestCount();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
