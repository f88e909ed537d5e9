package io.kuark.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.testing.MockApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiEventRecorderTest {
  private MockApi api;
  private KubernetesClient client;
  private ApiEventRecorder recorder;
  private final Pod pod =
      new PodBuilder()
          .withNewMetadata()
          .withName("web")
          .withNamespace("shop")
          .withUid("uid-1")
          .withResourceVersion("7")
          .endMetadata()
          .build();

  @BeforeEach
  void setUp() {
    api = new MockApi();
    client = api.client();
    recorder =
        new ApiEventRecorder(
            client, "node-a", Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void tearDown() {
    recorder.close();
    api.close();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("shop").list().getItems();
  }

  @Test
  void writesAnEventAsKubeletDoes() {
    ObjectReference about = EventRecorder.container(pod, EventRecorder.fieldPath("app", false));
    recorder.record(about, EventRecorder.NORMAL, "Started", "Started container app");

    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    Event event = events().get(0);
    assertThat(event.getMetadata().getName()).startsWith("web.");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
    assertThat(event.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getReason()).isEqualTo("Started");
    assertThat(event.getMessage()).isEqualTo("Started container app");
    assertThat(event.getCount()).isEqualTo(1);
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(event.getSource().getComponent()).isEqualTo("kubelet");
    assertThat(event.getSource().getHost()).isEqualTo("node-a");
    assertThat(event.getReportingInstance()).isEqualTo("node-a");
  }

  @Test
  void aRepeatedEventCountsUpInsteadOfAddingObjects() {
    ObjectReference about = EventRecorder.container(pod, EventRecorder.fieldPath("app", false));
    for (int i = 0; i < 3; i++) {
      recorder.record(about, EventRecorder.WARNING, "Unhealthy", "Readiness probe failed: x");
    }
    recorder.record(about, EventRecorder.WARNING, "Unhealthy", "Readiness probe failed: y");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events())
                    .extracting(Event::getMessage, Event::getCount)
                    .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("Readiness probe failed: x", 3),
                        org.assertj.core.groups.Tuple.tuple("Readiness probe failed: y", 1)));
  }

  @Test
  void oneObjectGetsAtMostTwentyFiveEventsAtOnce() {
    ObjectReference about = EventRecorder.pod(pod);
    for (int i = 0; i < 40; i++) {
      recorder.record(about, EventRecorder.WARNING, "Failed", "attempt " + i);
    }
    Pod other =
        new PodBuilder(pod).editMetadata().withName("db").withUid("uid-2").endMetadata().build();
    recorder.record(EventRecorder.pod(other), EventRecorder.NORMAL, "Started", "still heard");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events().stream().anyMatch(e -> e.getMessage().equals("still heard")));
    assertThat(events().stream().filter(e -> e.getInvolvedObject().getName().equals("web")))
        .hasSize(EventBudgets.BURST);
  }

  @Test
  void eventsQueuedForANamespaceBeingDeletedAreDroppedAfterTheFirstRefusal() throws Exception {
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server =
        new io.fabric8.kubernetes.client.server.mock.KubernetesMockServer(false);
    server.init();
    io.fabric8.kubernetes.api.model.Status refused =
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withStatus("Failure")
            .withCode(403)
            .withReason("Forbidden")
            .withMessage(
                "events \"x\" is forbidden: unable to create new content in namespace closing"
                    + " because it is being terminated")
            .withNewDetails()
            .withKind("events")
            .addNewCause()
            .withReason("NamespaceTerminating")
            .withMessage("namespace is being terminated")
            .withField("metadata.namespace")
            .endCause()
            .endDetails()
            .build();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/closing/events")
        .andReturn(403, refused)
        .always();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/shop/events")
        .andReturn(201, new Event())
        .always();
    KubernetesClient refusing = server.createClient();
    ApiEventRecorder late =
        new ApiEventRecorder(
            refusing, "node-a", Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC));
    try {
      Pod closing =
          new PodBuilder(pod)
              .editMetadata()
              .withNamespace("closing")
              .withName("gone")
              .withUid("uid-3")
              .endMetadata()
              .build();
      for (String reason : List.of("Pulled", "Created", "Started")) {
        late.record(EventRecorder.pod(closing), EventRecorder.NORMAL, reason, reason + " it");
      }
      late.record(EventRecorder.pod(pod), EventRecorder.NORMAL, "Started", "still heard");

      List<String> paths = new java.util.ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                io.fabric8.mockwebserver.http.RecordedRequest request =
                    server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (request != null) {
                  paths.add(request.getPath());
                }
                return paths.contains("/api/v1/namespaces/shop/events");
              });
      assertThat(paths)
          .containsExactly("/api/v1/namespaces/closing/events", "/api/v1/namespaces/shop/events");
      assertThat(
              ApiEventRecorder.namespaceClosed(
                  new io.fabric8.kubernetes.client.KubernetesClientException(refused), "closing"))
          .isTrue();
    } finally {
      late.close();
      refusing.close();
      server.destroy();
    }
  }

  @Test
  void aNotFoundNamingTheNamespaceClosesItButOneNamingTheEventDoesNot() {
    io.fabric8.kubernetes.api.model.Status namespaceGone =
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withCode(404)
            .withReason("NotFound")
            .withMessage("namespaces \"old\" not found")
            .withNewDetails()
            .withKind("namespaces")
            .withName("old")
            .endDetails()
            .build();
    io.fabric8.kubernetes.api.model.Status eventGone =
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withCode(404)
            .withReason("NotFound")
            .withNewDetails()
            .withKind("events")
            .withName("web.1")
            .endDetails()
            .build();

    assertThat(
            ApiEventRecorder.namespaceClosed(
                new io.fabric8.kubernetes.client.KubernetesClientException(namespaceGone), "old"))
        .isTrue();
    assertThat(
            ApiEventRecorder.namespaceClosed(
                new io.fabric8.kubernetes.client.KubernetesClientException(eventGone), "old"))
        .isFalse();
  }
}
