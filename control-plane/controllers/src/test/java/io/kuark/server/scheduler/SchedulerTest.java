package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
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
 * The scheduler against the fabric8 mock API in CRUD mode, which has no pods/binding subresource:
 * the binder here sets spec.nodeName directly, as the API server's binding handler would.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SchedulerTest {
  static KubernetesClient client;
  private AutoCloseable loops;

  private static void bindByUpdate(Pod pod, String node) {
    Fixtures.bindByUpdate(client, pod, node);
  }

  @BeforeEach
  void start() {
    QuietMockServer.install();
    loops =
        ControlPlaneLoops.start(
            client, ControlPlaneLoopsConfig.defaults(), SchedulerTest::bindByUpdate);
  }

  @AfterEach
  void stop() throws Exception {
    loops.close();
    client.pods().inAnyNamespace().delete();
    client.nodes().delete();
    client.v1().events().inAnyNamespace().delete();
  }

  @Test
  void bindsPendingPodsToFittingNodesAndRecordsScheduledEvents() {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    client.nodes().resource(Fixtures.node("n2", "1", "2Gi")).create();
    client
        .nodes()
        .resource(
            Fixtures.node("tainted", "8", "16Gi", new Taint("NoSchedule", "dedicated", null, "x")))
        .create();
    for (int i = 0; i < 4; i++) {
      Pod p = Fixtures.pod("web-" + i, "400m", "100Mi");
      p.getMetadata().setUid(null);
      client.pods().inNamespace("default").resource(p).create();
    }
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Pod> pods = client.pods().inNamespace("default").list().getItems();
              assertThat(pods)
                  .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isIn("n1", "n2"));
              // 400m each on 1-CPU nodes: exactly two per node.
              assertThat(pods.stream().filter(p -> "n1".equals(p.getSpec().getNodeName())).count())
                  .isEqualTo(2);
              List<Event> events = client.v1().events().inNamespace("default").list().getItems();
              assertThat(
                      events.stream()
                          .filter(
                              e ->
                                  "Scheduled".equals(e.getReason())
                                      && e.getInvolvedObject().getName().startsWith("web-"))
                          .count())
                  .isEqualTo(4);
            });
    Event e =
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(x -> "Scheduled".equals(x.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(e.getMessage()).matches("Successfully assigned default/web-\\d to n[12]");
    assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
  }

  @Test
  void podThatFitsNowhereGetsUnschedulableConditionThenSchedulesWhenANodeArrives() {
    client.nodes().resource(Fixtures.node("small", "1", "1Gi")).create();
    Pod p = Fixtures.pod("huge", "4", "2Gi");
    p.getMetadata().setUid(null);
    client.pods().inNamespace("default").resource(p).create();
    String expected =
        "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are"
            + " available: 1 No preemption victims found for incoming pod.";
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod pod = client.pods().inNamespace("default").withName("huge").get();
              PodCondition c = Pods.condition(pod, "PodScheduled");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("Unschedulable");
              assertThat(c.getMessage()).isEqualTo(expected);
              assertThat(client.v1().events().inNamespace("default").list().getItems())
                  .anySatisfy(
                      e -> {
                        assertThat(e.getReason()).isEqualTo("FailedScheduling");
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getMessage()).isEqualTo(expected);
                      });
            });
    client.nodes().resource(Fixtures.node("big", "8", "16Gi")).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace("default")
                            .withName("huge")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo("big"));
  }

  @Test
  void podsForOtherSchedulersAreLeftAlone() throws Exception {
    client.nodes().resource(Fixtures.node("n1", "1", "2Gi")).create();
    Pod other = Fixtures.pod("other", "100m", "10Mi");
    other.getMetadata().setUid(null);
    other.getSpec().setSchedulerName("my-scheduler");
    client.pods().inNamespace("default").resource(other).create();
    Pod mine = Fixtures.pod("mine", "100m", "10Mi");
    mine.getMetadata().setUid(null);
    client.pods().inNamespace("default").resource(mine).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace("default")
                            .withName("mine")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo("n1"));
    // "mine" was queued after "other"; once it is bound, "other" has long been seen and skipped.
    assertThat(client.pods().inNamespace("default").withName("other").get().getSpec().getNodeName())
        .isNull();
  }
}
