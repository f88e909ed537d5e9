package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pods parked as unschedulable come back when the cluster event that can help them happens, long
 * before the five-minute flush: a matching pod appearing bound (pod affinity), and Namespace labels
 * changing (affinity namespaceSelector).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SchedulerRequeueTest {
  static KubernetesClient client;
  private TestLoops loops;
  private Scheduler scheduler;
  private final SchedulerMetrics metrics = new SchedulerMetrics();

  private static void bindByUpdate(Pod pod, String node) {
    Fixtures.bindByUpdate(client, pod, node);
  }

  @BeforeEach
  void start() {
    loops = new TestLoops(client, Clock.systemUTC());
    scheduler = new Scheduler(loops.context(), SchedulerRequeueTest::bindByUpdate, metrics);
    loops.start();
    scheduler.start();
    client.nodes().resource(Fixtures.node("n1", "4", "8Gi")).create();
  }

  @AfterEach
  void stop() {
    scheduler.close();
    loops.close();
    client.pods().inAnyNamespace().delete();
    client.nodes().delete();
    client.namespaces().delete();
    client.v1().events().inAnyNamespace().delete();
  }

  private static Pod withAffinity(Pod p, PodAffinityTerm term) {
    p.getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(term)
                .endPodAffinity()
                .build());
    return p;
  }

  private static Pod create(Pod p) {
    p.getMetadata().setUid(null);
    return client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
  }

  /**
   * Waits until the pod failed with the affinity message and sits among the unschedulable pods (not
   * in backoff, from which it would be retried anyway).
   */
  private void awaitParkedUnschedulable(String ns, String name) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              PodCondition c =
                  Pods.condition(
                      client.pods().inNamespace(ns).withName(name).get(), "PodScheduled");
              assertThat(c.getReason()).isEqualTo("Unschedulable");
              assertThat(c.getMessage()).contains("didn't match pod affinity rules");
              assertThat(metrics.render())
                  .contains("scheduler_pending_pods{queue=\"unschedulable\"} 1\n")
                  .contains("scheduler_pending_pods{queue=\"backoff\"} 0\n")
                  .contains("scheduler_pending_pods{queue=\"active\"} 0\n");
            });
  }

  private static void awaitBound(String ns, String name, String node) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client.pods().inNamespace(ns).withName(name).get().getSpec().getNodeName())
                    .isEqualTo(node));
  }

  @Test
  void podWaitingForAffinitySchedulesWhenAMatchingPodAppearsBound() {
    create(
        withAffinity(
            Fixtures.pod("follower", "100m", "64Mi"),
            new PodAffinityTermBuilder()
                .withTopologyKey("kubernetes.io/hostname")
                .withLabelSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("app", "leader")).build())
                .build()));
    awaitParkedUnschedulable("default", "follower");

    // Placed by someone else (a kubelet's static pod, another scheduler): an assigned pod add.
    Pod leader = Fixtures.pod("leader", "100m", "64Mi");
    leader.getMetadata().setLabels(Map.of("app", "leader"));
    leader.getSpec().setNodeName("n1");
    create(leader);
    awaitBound("default", "follower", "n1");
  }

  @Test
  void podWaitingForAffinitySchedulesWhenANamespaceGetsTheSelectedLabels() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("data").endMetadata().build())
        .create();
    Pod db = Fixtures.pod("db", "100m", "64Mi");
    db.getMetadata().setNamespace("data");
    db.getMetadata().setLabels(Map.of("app", "db"));
    db.getSpec().setNodeName("n1");
    create(db);
    create(
        withAffinity(
            Fixtures.pod("app", "100m", "64Mi"),
            new PodAffinityTermBuilder()
                .withTopologyKey("kubernetes.io/hostname")
                .withLabelSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("app", "db")).build())
                .withNamespaceSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("team", "data")).build())
                .build()));
    awaitParkedUnschedulable("default", "app");

    client
        .namespaces()
        .withName("data")
        .edit(
            ns -> {
              ns.getMetadata().setLabels(Map.of("team", "data"));
              return ns;
            });
    awaitBound("default", "app", "n1");
  }
}
