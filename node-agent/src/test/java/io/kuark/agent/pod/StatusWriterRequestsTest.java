package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a status write sends: the JSON patch of pods/status, and nothing before it. */
class StatusWriterRequestsTest {

  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void setUp() {
    server = new KubernetesMockServer(false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.destroy();
  }

  @Test
  void aStatusWriteIsOnePatchWithoutReadingThePodFirst() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("web")
            .withUid("u1")
            .withResourceVersion("5")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .endContainer()
            .endSpec()
            .build();
    server
        .expect()
        .patch()
        .withPath("/api/v1/namespaces/ns/pods/web/status")
        .andReturn(200, pod)
        .always();

    new StatusWriter(client).write(pod, new PodStatusBuilder().withPhase("Running").build());

    List<String> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request.getMethod() + " " + request.getPath());
      if (request.getMethod().equals("PATCH")) {
        assertThat(request.getUtf8Body())
            .contains("\"op\":\"add\"", "\"path\":\"/status\"", "\"phase\":\"Running\"")
            .doesNotContain("resourceVersion");
      }
    }
    assertThat(requests).containsExactly("PATCH /api/v1/namespaces/ns/pods/web/status");
  }
}
