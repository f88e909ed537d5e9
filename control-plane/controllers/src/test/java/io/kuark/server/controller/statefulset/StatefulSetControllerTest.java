package io.kuark.server.controller.statefulset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class StatefulSetControllerTest {
  static KubernetesClient client;

  private static StatefulSet set(String ns, String name, int replicas, String policy) {
    PersistentVolumeClaim data =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("1Gi")))
            .endResources()
            .endSpec()
            .build();
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name + "-svc")
        .withPodManagementPolicy(policy)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("db:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(data)
        .endSpec()
        .build();
  }

  private static List<Pod> pods(String ns) {
    return client.pods().inNamespace(ns).list().getItems();
  }

  private static List<String> podNames(String ns) {
    List<String> names = new ArrayList<>();
    for (Pod p : pods(ns)) {
      names.add(p.getMetadata().getName());
    }
    return names;
  }

  private static Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private static StatefulSet get(String ns, String name) {
    return client.apps().statefulSets().inNamespace(ns).withName(name).get();
  }

  /** Plays the kubelet: the pod runs and is ready. */
  private static void markReady(String ns, String name) {
    client
        .pods()
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            p -> {
              p.setStatus(
                  new PodStatusBuilder()
                      .withPhase("Running")
                      .addNewCondition()
                      .withType("Ready")
                      .withStatus("True")
                      .withLastTransitionTime(Instant.now().minusSeconds(5).toString())
                      .endCondition()
                      .build());
              return p;
            });
  }

  private static void markAllReady(String ns) {
    for (Pod p : pods(ns)) {
      if (!StatefulSetUpdater.isRunningAndReady(p)) {
        markReady(ns, p.getMetadata().getName());
      }
    }
  }

  private static void eventually(ThrowingRunnable assertion) {
    await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(assertion);
  }

  /** Waits until the controller has written a status for exactly {@code replicas} pods. */
  private static void statusSettles(String ns, String name, int replicas) {
    eventually(() -> assertThat(get(ns, name).getStatus().getReplicas()).isEqualTo(replicas));
  }

  @Test
  void orderedReadyCreatesOneOrdinalAtATimeWithClaimsAndIdentity() {
    String ns = "ordered";
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new StatefulSetController(loops.context()).controller()).start();
      client.apps().statefulSets().inNamespace(ns).resource(set(ns, "web", 3, null)).create();

      eventually(() -> assertThat(podNames(ns)).containsExactly("web-0"));
      statusSettles(ns, "web", 1);
      // web-0 is not ready yet: OrderedReady must not create web-1.
      assertThat(podNames(ns)).containsExactly("web-0");

      Pod web0 = pod(ns, "web-0");
      assertThat(web0.getSpec().getHostname()).isEqualTo("web-0");
      assertThat(web0.getSpec().getSubdomain()).isEqualTo("web-svc");
      assertThat(web0.getMetadata().getLabels())
          .containsEntry("statefulset.kubernetes.io/pod-name", "web-0")
          .containsEntry("apps.kubernetes.io/pod-index", "0")
          .containsEntry("app", "web")
          .containsKey("controller-revision-hash");
      assertThat(web0.getSpec().getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo("data");
                assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-0");
              });
      PersistentVolumeClaim claim =
          client.persistentVolumeClaims().inNamespace(ns).withName("data-web-0").get();
      assertThat(claim).isNotNull();
      assertThat(claim.getMetadata().getLabels()).containsEntry("app", "web");
      // Retain/Retain (the default): the claim outlives the set, so no owner.
      assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty();

      markReady(ns, "web-0");
      eventually(() -> assertThat(podNames(ns)).containsExactlyInAnyOrder("web-0", "web-1"));
      markReady(ns, "web-1");
      eventually(
          () -> assertThat(podNames(ns)).containsExactlyInAnyOrder("web-0", "web-1", "web-2"));
      markReady(ns, "web-2");
      eventually(
          () -> {
            StatefulSet s = get(ns, "web");
            assertThat(s.getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getAvailableReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getObservedGeneration()).isEqualTo(1L);
            assertThat(s.getStatus().getCurrentRevision())
                .isEqualTo(s.getStatus().getUpdateRevision())
                .isEqualTo(web0.getMetadata().getLabels().get("controller-revision-hash"));
          });
      List<ControllerRevision> revisions =
          client.apps().controllerRevisions().inNamespace(ns).list().getItems();
      assertThat(revisions).hasSize(1);
      assertThat(revisions.get(0).getRevision()).isEqualTo(1L);

      // Scale down removes the highest ordinal first and waits for it before the next.
      client.apps().statefulSets().inNamespace(ns).withName("web").scale(1);
      eventually(() -> assertThat(podNames(ns)).containsExactlyInAnyOrder("web-0"));
      // Retain keeps the claims of removed ordinals.
      assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data-web-2").get())
          .isNotNull();
    }
  }

  @Test
  void rollingUpdateHonoursPartitionAndGoesFromHighestOrdinal() {
    String ns = "rolling";
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new StatefulSetController(loops.context()).controller()).start();
      client.apps().statefulSets().inNamespace(ns).resource(set(ns, "db", 3, "Parallel")).create();
      eventually(
          () -> {
            markAllReady(ns);
            assertThat(get(ns, "db").getStatus().getReadyReplicas()).isEqualTo(3);
          });
      String oldRevision = get(ns, "db").getStatus().getCurrentRevision();

      client
          .apps()
          .statefulSets()
          .inNamespace(ns)
          .withName("db")
          .edit(
              s -> {
                s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("db:2");
                s.getSpec()
                    .setUpdateStrategy(
                        new io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder()
                            .withType("RollingUpdate")
                            .withNewRollingUpdate()
                            .withPartition(1)
                            .endRollingUpdate()
                            .build());
                s.getMetadata().setGeneration(2L);
                return s;
              });
      // db-2 goes first; db-1 is only replaced once db-2 is back and ready.
      eventually(
          () -> {
            Pod p = pod(ns, "db-2");
            assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("db:2");
          });
      assertThat(pod(ns, "db-1").getSpec().getContainers().get(0).getImage()).isEqualTo("db:1");
      eventually(
          () -> {
            markAllReady(ns);
            StatefulSet s = get(ns, "db");
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(2);
            assertThat(s.getStatus().getReadyReplicas()).isEqualTo(3);
          });
      StatefulSet partial = get(ns, "db");
      assertThat(partial.getStatus().getCurrentRevision()).isEqualTo(oldRevision);
      assertThat(partial.getStatus().getUpdateRevision()).isNotEqualTo(oldRevision);
      assertThat(pod(ns, "db-0").getSpec().getContainers().get(0).getImage()).isEqualTo("db:1");
      assertThat(pod(ns, "db-0").getMetadata().getLabels().get("controller-revision-hash"))
          .isEqualTo(oldRevision);

      client
          .apps()
          .statefulSets()
          .inNamespace(ns)
          .withName("db")
          .edit(
              s -> {
                s.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(0);
                return s;
              });
      eventually(
          () -> {
            markAllReady(ns);
            StatefulSet s = get(ns, "db");
            assertThat(pod(ns, "db-0").getSpec().getContainers().get(0).getImage())
                .isEqualTo("db:2");
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getCurrentRevision())
                .isEqualTo(s.getStatus().getUpdateRevision());
          });
      assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems())
          .extracting(ControllerRevision::getRevision)
          .containsExactlyInAnyOrder(1L, 2L);
    }
  }

  @Test
  void parallelStartsAllOrdinalsFromStartAndRetentionOwnsClaims() {
    String ns = "parallel";
    StatefulSet s = set(ns, "kv", 3, "Parallel");
    s.getSpec().setOrdinals(new io.fabric8.kubernetes.api.model.apps.StatefulSetOrdinals(5));
    s.getSpec()
        .setPersistentVolumeClaimRetentionPolicy(
            new io.fabric8.kubernetes.api.model.apps
                .StatefulSetPersistentVolumeClaimRetentionPolicy("Delete", "Delete"));
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new StatefulSetController(loops.context()).controller()).start();
      StatefulSet created = client.apps().statefulSets().inNamespace(ns).resource(s).create();
      // Parallel: no pod is ready, yet all three exist.
      eventually(() -> assertThat(podNames(ns)).containsExactlyInAnyOrder("kv-5", "kv-6", "kv-7"));
      assertThat(pod(ns, "kv-7").getMetadata().getLabels())
          .containsEntry("apps.kubernetes.io/pod-index", "7");
      eventually(
          () -> {
            List<OwnerReference> refs =
                client
                    .persistentVolumeClaims()
                    .inNamespace(ns)
                    .withName("data-kv-6")
                    .get()
                    .getMetadata()
                    .getOwnerReferences();
            assertThat(refs).hasSize(1);
            assertThat(refs.get(0).getKind()).isEqualTo("StatefulSet");
            assertThat(refs.get(0).getUid()).isEqualTo(created.getMetadata().getUid());
          });

      // A failed pod is replaced under the same name.
      client
          .pods()
          .inNamespace(ns)
          .withName("kv-5")
          .editStatus(
              p -> {
                p.setStatus(new PodStatusBuilder().withPhase("Failed").build());
                return p;
              });
      eventually(
          () -> {
            Pod p = pod(ns, "kv-5");
            assertThat(p).isNotNull();
            assertThat(p.getStatus() == null ? null : p.getStatus().getPhase())
                .isNotEqualTo("Failed");
          });

      Pod kv7 = pod(ns, "kv-7");
      client.apps().statefulSets().inNamespace(ns).withName("kv").scale(2);
      eventually(() -> assertThat(podNames(ns)).containsExactlyInAnyOrder("kv-5", "kv-6"));
      // whenScaled: Delete hands the removed ordinal's claim to its pod for the GC to collect.
      List<OwnerReference> refs =
          client
              .persistentVolumeClaims()
              .inNamespace(ns)
              .withName("data-kv-7")
              .get()
              .getMetadata()
              .getOwnerReferences();
      assertThat(refs).hasSize(1);
      assertThat(refs.get(0).getKind()).isEqualTo("Pod");
      assertThat(refs.get(0).getUid()).isEqualTo(kv7.getMetadata().getUid());
    }
  }
}
