package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The request and event sequence of deleting owned pods, against the mock in expectation mode. */
@EnableKubernetesMockClient(https = false)
class PodDeletionsTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private static final String KEY = "default/web";
  private static final ReplicaSet OWNER =
      new ReplicaSetBuilder()
          .withNewMetadata()
          .withName("web")
          .withNamespace("default")
          .endMetadata()
          .build();

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .build();
  }

  /** Runs each event write on the calling thread, so the requests arrive in order. */
  private static final class DirectExecutor extends AbstractExecutorService {
    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  @Test
  void deletesInOrderRecordsEventsAndStopsAtTheFirstFailure() throws Exception {
    // 403, not 5xx: the client retries server errors by itself.
    String pods = "/api/v1/namespaces/default/pods/";
    server.expect().delete().withPath(pods + "a").andReturn(200, pod("a")).once();
    server.expect().delete().withPath(pods + "gone").andReturn(404, null).once();
    server.expect().delete().withPath(pods + "broken").andReturn(403, null).once();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/events")
        .andReturn(201, "{}")
        .always();
    Expectations expectations = new Expectations();
    PodDeletions deletions =
        new PodDeletions(
            client,
            expectations,
            new EventRecorder(
                client, "replicaset-controller", new DirectExecutor(), Clock.systemUTC()));

    assertThatThrownBy(
            () ->
                deletions.delete(
                    KEY, OWNER, List.of(pod("a"), pod("gone"), pod("broken"), pod("never"))))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));

    List<String> requests = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest r = server.takeRequest();
      String body = r.getBody().readUtf8();
      requests.add(
          r.getMethod()
              + " "
              + r.getPath()
              + (body.contains("\"reason\":\"")
                  ? " " + body.replaceAll(".*\"reason\":\"([A-Za-z]+)\".*", "$1")
                  : ""));
    }
    assertThat(requests)
        .containsExactly(
            "DELETE " + pods + "a",
            "POST /api/v1/namespaces/default/events SuccessfulDelete",
            "DELETE " + pods + "gone",
            "DELETE " + pods + "broken",
            "POST /api/v1/namespaces/default/events FailedDelete");
    // Still expected: the deletion of "a" (the informer will see it) and of "never" (not tried;
    // the expectation expires, as upstream's does). "gone" and "broken" will send no event.
    assertThat(expectations.satisfied(KEY)).isFalse();
    expectations.deletionObserved(KEY, Keys.of(pod("a")));
    expectations.deletionObserved(KEY, Keys.of(pod("never")));
    assertThat(expectations.satisfied(KEY)).isTrue();
  }
}
