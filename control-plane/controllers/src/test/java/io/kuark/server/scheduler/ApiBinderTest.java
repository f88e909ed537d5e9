package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binder's request shape against the mock server in expectation mode. */
@EnableKubernetesMockClient(https = false)
class ApiBinderTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  @SuppressWarnings("unchecked")
  void postsAV1BindingToThePodsBindingSubresource() throws Exception {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/ns1/pods/web-1/binding")
        .andReturn(201, "{}")
        .once();
    Pod pod = Fixtures.pod("web-1", "1", "1Gi");
    pod.getMetadata().setNamespace("ns1");
    new ApiBinder(client).bind(pod, "node-a");
    RecordedRequest req = server.getLastRequest();
    assertThat(req.getMethod()).isEqualTo("POST");
    Map<String, Object> body =
        client.getKubernetesSerialization().unmarshal(req.getBody().readUtf8(), Map.class);
    assertThat(body).containsEntry("apiVersion", "v1").containsEntry("kind", "Binding");
    assertThat((Map<String, Object>) body.get("metadata"))
        .containsEntry("name", "web-1")
        .containsEntry("uid", pod.getMetadata().getUid());
    assertThat((Map<String, Object>) body.get("target"))
        .containsEntry("kind", "Node")
        .containsEntry("name", "node-a");
  }

  @Test
  void aRejectedBindingIsAnError() {
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/gone/binding")
        .andReturn(404, "{}")
        .once();
    Pod pod = Fixtures.pod("gone", "1", "1Gi");
    assertThatThrownBy(() -> new ApiBinder(client).bind(pod, "node-a"))
        .hasMessageContaining("HTTP 404");
  }
}
