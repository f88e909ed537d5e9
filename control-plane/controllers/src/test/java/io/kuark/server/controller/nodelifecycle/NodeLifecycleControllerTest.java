package io.kuark.server.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.testing.TestLoops;
import io.kuark.server.scheduler.Fixtures;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class NodeLifecycleControllerTest {
  static KubernetesClient client;

  private static Pod pod(String name, Long tolerationSeconds) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withNodeName("silent")
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus();
    if (tolerationSeconds != null) {
      b.editSpec()
          .withTolerations(
              new TolerationBuilder()
                  .withKey("node.kubernetes.io/unreachable")
                  .withOperator("Exists")
                  .withEffect("NoExecute")
                  .withTolerationSeconds(tolerationSeconds)
                  .build())
          .endSpec();
    }
    return b.build();
  }

  @Test
  void aSilentNodeBecomesUnknownGetsTaintedAndItsPodsAreEvictedAfterTheirToleration() {
    client.nodes().resource(Fixtures.node("silent", "2", "4Gi")).create();
    client.pods().inNamespace("default").resource(pod("short", 1L)).create();
    client.pods().inNamespace("default").resource(pod("default-toleration", null)).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      NodeLifecycleController c =
          new NodeLifecycleController(loops.context(), Duration.ofSeconds(2));
      loops.with(c.controller()).start();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Node n = client.nodes().withName("silent").get();
                NodeCondition ready =
                    n.getStatus().getConditions().stream()
                        .filter(x -> "Ready".equals(x.getType()))
                        .findFirst()
                        .orElseThrow();
                assertThat(ready.getStatus()).isEqualTo("Unknown");
                assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
                assertThat(n.getSpec().getTaints())
                    .extracting(Taint::getKey, Taint::getEffect)
                    .contains(
                        org.assertj.core.groups.Tuple.tuple(
                            "node.kubernetes.io/unreachable", "NoExecute"),
                        org.assertj.core.groups.Tuple.tuple(
                            "node.kubernetes.io/unreachable", "NoSchedule"));
                assertThat(client.pods().inNamespace("default").withName("short").get()).isNull();
                Pod stays =
                    client.pods().inNamespace("default").withName("default-toleration").get();
                assertThat(stays).isNotNull();
                assertThat(Pods.isReady(stays)).isFalse();
              });
      c.close();
    }
  }

  @Test
  void pressureConditionsBecomeNoScheduleTaintsAndGoWithThem() {
    Node node = Fixtures.node("pressed", "2", "4Gi");
    node.getStatus()
        .getConditions()
        .add(new NodeCondition(null, null, null, null, "True", "MemoryPressure"));
    node.getSpec()
        .setTaints(
            new java.util.ArrayList<>(
                java.util.List.of(new Taint("NoSchedule", "own", null, "x"))));
    client.nodes().resource(node).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      NodeLifecycleController c =
          new NodeLifecycleController(loops.context(), Duration.ofMinutes(10));
      loops.with(c.controller()).start();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(client.nodes().withName("pressed").get().getSpec().getTaints())
                      .extracting(Taint::getKey, Taint::getEffect)
                      .containsExactlyInAnyOrder(
                          org.assertj.core.groups.Tuple.tuple("own", "NoSchedule"),
                          org.assertj.core.groups.Tuple.tuple(
                              "node.kubernetes.io/memory-pressure", "NoSchedule")));
      Node pressed = client.nodes().withName("pressed").get();
      pressed.getStatus().getConditions().stream()
          .filter(x -> "MemoryPressure".equals(x.getType()))
          .forEach(x -> x.setStatus("False"));
      client.nodes().resource(pressed).updateStatus();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(client.nodes().withName("pressed").get().getSpec().getTaints())
                      .extracting(Taint::getKey)
                      .containsExactly("own"));
      c.close();
    }
  }
}
