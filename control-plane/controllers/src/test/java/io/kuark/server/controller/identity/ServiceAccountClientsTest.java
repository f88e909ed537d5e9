package io.kuark.server.controller.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each controller's client creates its ServiceAccount in kube-system when missing, asks for a token
 * through the TokenRequest API, sends it as a bearer token, and renews it after a 401 before that
 * 401 reaches the caller, so the next request carries the new token; answers are counted per
 * controller and status code.
 */
@EnableKubernetesMockClient(https = false)
class ServiceAccountClientsTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private static final String SA_PATH = "/api/v1/namespaces/kube-system/serviceaccounts";

  private static Object token(String value) {
    return new TokenRequestBuilder()
        .withNewStatus()
        .withToken(value)
        .withExpirationTimestamp(Instant.now().plusSeconds(3600).toString())
        .endStatus()
        .build();
  }

  private static Object status(int code, String reason) {
    return new io.fabric8.kubernetes.api.model.StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(reason)
        .build();
  }

  private static List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      out.add(r);
    }
    return out;
  }

  @Test
  void controllerActsWithItsOwnServiceAccountTokenAndRenewsItWhenRejected() throws Exception {
    drain();
    // Error answers carry a Status body as the API server's do: an empty body without a length
    // makes the mock end the response by closing the connection, which a client reusing it may
    // then find closed.
    server
        .expect()
        .get()
        .withPath(SA_PATH + "/deployment-controller")
        .andReturn(404, status(404, "NotFound"))
        .once();
    server
        .expect()
        .post()
        .withPath(SA_PATH)
        .andReturn(
            201,
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("deployment-controller")
                .withNamespace("kube-system")
                .withUid("u1")
                .endMetadata()
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath(SA_PATH + "/deployment-controller")
        .andReturn(
            200,
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("deployment-controller")
                .endMetadata()
                .build())
        .always();
    server
        .expect()
        .post()
        .withPath(SA_PATH + "/deployment-controller/token")
        .andReturn(201, token("first"))
        .once();
    server
        .expect()
        .post()
        .withPath(SA_PATH + "/deployment-controller/token")
        .andReturn(201, token("second"))
        .once();
    String podPath = "/api/v1/namespaces/app/pods/web";
    server.expect().get().withPath(podPath).andReturn(401, status(401, "Unauthorized")).once();
    server
        .expect()
        .get()
        .withPath(podPath)
        .andReturn(
            200,
            new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("app")
                .endMetadata()
                .build())
        .always();

    try (ServiceAccountClients clients =
        new ServiceAccountClients(client, client, Clock.systemUTC())) {
      KubernetesClient deployments = clients.forController("deployment-controller");
      assertThat(clients.forController("deployment-controller")).isSameAs(deployments);

      // The rejected request fails with its 401, as upstream's clients do; the token is renewed
      // before the failure is handed back, so the caller's next attempt is accepted.
      var pod = deployments.pods().inNamespace("app").withName("web");
      assertThatThrownBy(pod::get)
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      assertThat(pod.get().getMetadata().getName()).isEqualTo("web");

      List<RecordedRequest> requests = drain();
      List<String> seen = new ArrayList<>();
      for (RecordedRequest r : requests) {
        seen.add(r.getMethod() + " " + r.getPath() + " " + r.getHeader("Authorization"));
      }
      // The ServiceAccount and its tokens come with the manager's credentials (the mock
      // client's token "secret"); the controller's own requests carry its ServiceAccount token,
      // which replaces whatever the base client would send.
      assertThat(seen)
          .containsExactly(
              "GET " + SA_PATH + "/deployment-controller Bearer secret",
              "POST " + SA_PATH + " Bearer secret",
              "POST " + SA_PATH + "/deployment-controller/token Bearer secret",
              "GET " + podPath + " Bearer first",
              "GET " + SA_PATH + "/deployment-controller Bearer secret",
              "POST " + SA_PATH + "/deployment-controller/token Bearer secret",
              "GET " + podPath + " Bearer second");
      // The token asked for lives an hour, as upstream's controller tokens.
      assertThat(requests.get(2).getBody().readUtf8()).contains("\"expirationSeconds\":3600");
      assertThat(clients.metrics().count("deployment-controller", 401)).isEqualTo(1);
      assertThat(clients.metrics().render())
          .contains(
              "kuark_controller_requests_total{code=\"401\",controller=\"deployment-controller\"} 1");
    }
  }
}
