package io.kuark.server.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ReplicaSets adopt matching orphans and release pods that stop matching (ControllerRefManager).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ReplicaSetAdoptionTest {
  static KubernetesClient client;

  private static Pod orphan(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("adopt")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("web:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static List<Pod> ownedBy(String uid) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : client.pods().inNamespace("adopt").list().getItems()) {
      if (Owners.isControlledBy(p, uid)) {
        out.add(p);
      }
    }
    return out;
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
    client.pods().resource(orphan("stray-1", Map.of("app", "web"))).create();
    client.pods().resource(orphan("stray-2", Map.of("app", "web"))).create();
    client.pods().resource(orphan("stray-3", Map.of("app", "web"))).create();
    client.pods().resource(orphan("other", Map.of("app", "db"))).create();
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("adopt")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .withMatchLabels(Map.of("app", "web"))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", "web"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("web:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new ReplicaSetController(loops.context()).controller()).start();
      String uid =
          client
              .apps()
              .replicaSets()
              .inNamespace("adopt")
              .resource(rs)
              .create()
              .getMetadata()
              .getUid();
      // Three orphans adopted, one surplus deleted; nothing new created.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Pod> owned = ownedBy(uid);
                assertThat(owned).hasSize(2);
                assertThat(owned)
                    .allSatisfy(p -> assertThat(p.getMetadata().getName()).startsWith("stray-"));
                OwnerReference ref = Owners.controllerOf(owned.get(0));
                assertThat(ref.getKind()).isEqualTo("ReplicaSet");
                assertThat(ref.getBlockOwnerDeletion()).isTrue();
              });
      assertThat(Owners.controllerOf(client.pods().inNamespace("adopt").withName("other").get()))
          .isNull();

      // Relabel one owned pod: it is released (no owner) and replaced by a new pod.
      String relabeled = ownedBy(uid).get(0).getMetadata().getName();
      client
          .pods()
          .inNamespace("adopt")
          .withName(relabeled)
          .edit(
              p -> {
                p.getMetadata().setLabels(Map.of("app", "debug"));
                return p;
              });
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(
                        Owners.controllerOf(
                            client.pods().inNamespace("adopt").withName(relabeled).get()))
                    .isNull();
                List<Pod> owned = ownedBy(uid);
                assertThat(owned).hasSize(2);
                assertThat(owned)
                    .extracting(p -> p.getMetadata().getName())
                    .doesNotContain(relabeled)
                    .anySatisfy(n -> assertThat(n).startsWith("web-"));
              });
    }
  }
}
