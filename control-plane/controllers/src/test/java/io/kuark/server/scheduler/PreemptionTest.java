package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.ControlPlaneLoops;
import io.kuark.server.controller.ControlPlaneLoopsConfig;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.testing.QuietMockServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priority and preemption through the whole scheduler against fake nodes in the fabric8 mock API
 * (deletes there are immediate, as the API is for pods whose node confirms termination).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class PreemptionTest {
  static KubernetesClient client;
  private static volatile boolean bindingWorks = true;
  private AutoCloseable loops;

  private static void bindByUpdate(Pod pod, String node) {
    if (!bindingWorks) {
      throw new IllegalStateException("binding refused by the test");
    }
    Fixtures.bindByUpdate(client, pod, node);
  }

  @BeforeEach
  void start() {
    bindingWorks = true;
    QuietMockServer.install();
    loops =
        ControlPlaneLoops.start(
            client, ControlPlaneLoopsConfig.defaults(), PreemptionTest::bindByUpdate);
  }

  @AfterEach
  void stop() throws Exception {
    loops.close();
    client.pods().inAnyNamespace().delete();
    client.nodes().delete();
    client.v1().events().inAnyNamespace().delete();
  }

  private static Pod create(String name, String cpu, int priority, String node, String policy) {
    Pod p = Fixtures.pod(name, cpu, "10Mi");
    p.getMetadata().setUid(null);
    p.getSpec().setPriority(priority);
    p.getSpec().setNodeName(node);
    p.getSpec().setPreemptionPolicy(policy);
    if (node != null) {
      p.getStatus().setPhase("Running");
    }
    return client.pods().inNamespace("default").resource(p).create();
  }

  private static Pod get(String name) {
    return client.pods().inNamespace("default").withName(name).get();
  }

  @Test
  void higherPriorityPodEvictsTheLeastImportantPodAndTakesItsPlace() {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    create("low", "500m", 1, "n1", null);
    create("mid", "500m", 50, "n1", null);
    Pod urgent = create("urgent", "500m", 100, null, null);

    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("urgent").getSpec().getNodeName()).isEqualTo("n1"));
    assertThat(get("low")).isNull();
    assertThat(get("mid")).isNotNull();
    String metrics = ((ControlPlaneLoops) loops).renderMetrics();
    assertThat(metrics)
        .containsPattern("scheduler_preemption_attempts_total [1-9]")
        .containsPattern("scheduler_preemption_victims_total [1-9]")
        .containsPattern(
            "scheduler_schedule_attempts_total\\{profile=\"default-scheduler\",result=\"scheduled\"\\} [1-9]")
        .containsPattern(
            "scheduler_schedule_attempts_total\\{profile=\"default-scheduler\",result=\"unschedulable\"\\} [1-9]");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<Event> events = client.v1().events().inNamespace("default").list().getItems();
              assertThat(events)
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("Preempted");
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("low");
                        assertThat(e.getMessage())
                            .isEqualTo(
                                "Preempted by pod "
                                    + urgent.getMetadata().getUid()
                                    + " on node n1");
                      });
              // The first attempt failed and said so; the preemption shows as the nomination, not
              // in the message (as upstream).
              assertThat(events)
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("FailedScheduling");
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("urgent");
                        assertThat(e.getMessage())
                            .isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
                      });
            });
  }

  @Test
  void preemptorIsNominatedToTheNodeItFreed() {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    create("low", "800m", 1, "n1", null);
    // Bindings fail for now, so the pod cannot simply be bound. The nomination is watched rather
    // than polled: once the victim is gone the scheduler retries at once, and a failed binding
    // clears the nomination again (as upstream), so it may be visible only briefly.
    bindingWorks = false;
    java.util.Set<String> nominations = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (io.fabric8.kubernetes.client.Watch watch =
        client
            .pods()
            .inNamespace("default")
            .withName("urgent")
            .watch(
                new io.fabric8.kubernetes.client.Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (pod.getStatus() != null && pod.getStatus().getNominatedNodeName() != null) {
                      nominations.add(pod.getStatus().getNominatedNodeName());
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
      create("urgent", "800m", 100, null, null);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(nominations).containsExactly("n1"));
    }
    assertThat(get("low")).isNull();
    assertThat(get("urgent").getSpec().getNodeName()).isNull();
    bindingWorks = true;
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("urgent").getSpec().getNodeName()).isEqualTo("n1"));
  }

  @Test
  void preemptionPolicyNeverWaitsInsteadOfEvicting() throws Exception {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    create("low", "800m", 1, "n1", null);
    create("polite", "800m", 100, null, "Never");
    String expected =
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to"
            + " preemptionPolicy=Never.";
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Pods.condition(get("polite"), "PodScheduled").getMessage())
                    .isEqualTo(expected));
    assertThat(get("low")).isNotNull();
    assertThat(get("polite").getSpec().getNodeName()).isNull();
    assertThat(get("polite").getStatus().getNominatedNodeName()).isNull();
  }

  @Test
  void equalPriorityPodsAreNotPreempted() {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    create("peer", "800m", 100, "n1", null);
    create("late", "800m", 100, null, null);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Pods.condition(get("late"), "PodScheduled").getReason())
                    .isEqualTo("Unschedulable"));
    assertThat(get("peer")).isNotNull();
    assertThat(get("late").getStatus().getNominatedNodeName()).isNull();
  }
}
