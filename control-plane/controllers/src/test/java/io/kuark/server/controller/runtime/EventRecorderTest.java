package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.QuietMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Events of a namespace the loop set's Namespace informer shows terminating are not sent (the API
 * would refuse them); events elsewhere are.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class EventRecorderTest {
  static KubernetesClient client;

  @Test
  void eventsOfTerminatingNamespacesAreDroppedOthersWritten() {
    QuietMockServer.install();
    client.namespaces().resource(namespace("live", null)).create();
    client.namespaces().resource(namespace("going", "Terminating")).create();
    ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    // One thread: events are written in the order recorded.
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (SharedInformers informers = new SharedInformers(client)) {
      informers.get(Namespace.class);
      informers.startAll(30_000);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> informers.lister(Namespace.class).get("going") != null);
      EventRecorder recorder =
          new LoopContext(client, informers, delays, background, Clock.systemUTC())
              .recorder("default-scheduler");

      recorder.normal(pod("going", "late"), "Scheduled", "assigned going/late to node-1");
      recorder.normal(pod("live", "web"), "Scheduled", "assigned live/web to node-1");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !client.v1().events().inNamespace("live").list().getItems().isEmpty());
      assertThat(client.v1().events().inNamespace("live").list().getItems())
          .singleElement()
          .satisfies(e -> assertThat(e.getReason()).isEqualTo("Scheduled"));
      assertThat(client.v1().events().inNamespace("going").list().getItems()).isEmpty();
    } finally {
      delays.shutdownNow();
      background.shutdownNow();
    }
  }

  private static Namespace namespace(String name, String phase) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static Pod pod(String namespace, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(namespace + "-" + name)
        .endMetadata()
        .build();
  }
}
