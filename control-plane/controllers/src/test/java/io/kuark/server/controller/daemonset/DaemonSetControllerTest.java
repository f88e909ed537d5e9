package io.kuark.server.controller.daemonset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import io.kuark.server.scheduler.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class DaemonSetControllerTest {
  static KubernetesClient client;

  private static List<Pod> pods() {
    return client.pods().inNamespace("default").withLabel("app", "agent").list().getItems();
  }

  private static void markAllReady() {
    for (Pod p : pods()) {
      if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
        continue;
      }
      client
          .pods()
          .inNamespace("default")
          .withName(p.getMetadata().getName())
          .editStatus(
              x -> {
                x.setStatus(
                    new PodStatusBuilder()
                        .withPhase("Running")
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .withLastTransitionTime(Instant.now().minusSeconds(5).toString())
                        .endCondition()
                        .build());
                return x;
              });
    }
  }

  @Test
  void onePodPerEligibleNodeAndRollingTemplateChanges() {
    client.nodes().resource(Fixtures.node("a", "2", "4Gi")).create();
    client.nodes().resource(Fixtures.node("b", "2", "4Gi")).create();
    // Not-ready taints are tolerated by daemon pods; a custom NoSchedule taint is not.
    client
        .nodes()
        .resource(
            Fixtures.node(
                "c",
                "2",
                "4Gi",
                new Taint("NoExecute", "node.kubernetes.io/not-ready", null, null)))
        .create();
    Node tainted = Fixtures.node("d", "2", "4Gi", new Taint("NoSchedule", "dedicated", null, "db"));
    client.nodes().resource(tainted).create();
    DaemonSet ds =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("default")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(Map.of("app", "agent"))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "agent"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("agent:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new DaemonSetController(loops.context()).controller()).start();
      client.apps().daemonSets().inNamespace("default").resource(ds).create();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Set<String> nodes = new HashSet<>();
                for (Pod p : pods()) {
                  nodes.add(DaemonPlacement.nodeOf(p));
                  assertThat(p.getSpec().getTolerations())
                      .anySatisfy(
                          t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable"));
                }
                assertThat(nodes).containsExactlyInAnyOrder("a", "b", "c");
                assertThat(pods().size()).isEqualTo(3);
              });
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                markAllReady();
                DaemonSet got =
                    client.apps().daemonSets().inNamespace("default").withName("agent").get();
                assertThat(got.getStatus().getDesiredNumberScheduled()).isEqualTo(3);
                assertThat(got.getStatus().getNumberAvailable()).isEqualTo(3);
                assertThat(got.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
              });
      String oldHash = pods().get(0).getMetadata().getLabels().get("controller-revision-hash");
      setImage("agent:2");
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                markAllReady();
                List<Pod> now = pods();
                assertThat(now.size()).isEqualTo(3);
                assertThat(now)
                    .allSatisfy(
                        p -> {
                          assertThat(p.getMetadata().getLabels().get("controller-revision-hash"))
                              .isNotEqualTo(oldHash);
                          assertThat(p.getSpec().getContainers().get(0).getImage())
                              .isEqualTo("agent:2");
                        });
              });

      // The history `kubectl rollout history daemonset/agent` reads: one revision per template,
      // owned by the DaemonSet, pods labelled with the newest one's hash.
      List<ControllerRevision> history = revisions();
      assertThat(history).extracting(ControllerRevision::getRevision).containsExactly(1L, 2L);
      assertThat(history)
          .allSatisfy(
              r -> {
                assertThat(r.getMetadata().getName())
                    .isEqualTo(
                        "agent-" + r.getMetadata().getLabels().get("controller-revision-hash"));
                assertThat(r.getMetadata().getOwnerReferences().get(0).getKind())
                    .isEqualTo("DaemonSet");
              });
      assertThat(history.get(0).getMetadata().getLabels().get("controller-revision-hash"))
          .isEqualTo(oldHash);
      String newHash = history.get(1).getMetadata().getLabels().get("controller-revision-hash");
      assertThat(pods())
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getLabels().get("controller-revision-hash"))
                      .isEqualTo(newHash));

      // A rollback (what `kubectl rollout undo` does: the old template back) renumbers the old
      // revision as the newest instead of adding one, and the pods roll back to its hash.
      setImage("agent:1");
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                markAllReady();
                assertThat(revisions())
                    .extracting(
                        r -> r.getMetadata().getLabels().get("controller-revision-hash"),
                        ControllerRevision::getRevision)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(newHash, 2L),
                        org.assertj.core.groups.Tuple.tuple(oldHash, 3L));
                assertThat(pods())
                    .hasSize(3)
                    .allSatisfy(
                        p ->
                            assertThat(p.getMetadata().getLabels().get("controller-revision-hash"))
                                .isEqualTo(oldHash));
              });
    }
  }

  private static void setImage(String image) {
    client
        .apps()
        .daemonSets()
        .inNamespace("default")
        .withName("agent")
        .edit(
            x -> {
              x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              return x;
            });
  }

  private static List<ControllerRevision> revisions() {
    List<ControllerRevision> all =
        new java.util.ArrayList<>(
            client.apps().controllerRevisions().inNamespace("default").list().getItems());
    all.sort(java.util.Comparator.comparingLong(ControllerRevision::getRevision));
    return all;
  }
}
