package io.kuark.server.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.daemonset.DaemonSetController;
import io.kuark.server.controller.job.JobController;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.statefulset.StatefulSetController;
import io.kuark.server.controller.testing.TestLoops;
import io.kuark.server.scheduler.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * StatefulSet, Job and DaemonSet adopt matching orphan pods (controller reference added, no
 * duplicate created) and release owned pods whose labels stop matching, as upstream's
 * ControllerRefManager; a StatefulSet adopts only pods named as its members.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class WorkloadAdoptionTest {
  static KubernetesClient client;

  private static Pod orphan(String ns, String name, Map<String, String> labels, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("app:1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private static PodTemplateSpec template(Map<String, String> labels) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("c")
        .withImage("app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private static void relabel(String ns, String name, Map<String, String> labels) {
    client
        .pods()
        .inNamespace(ns)
        .withName(name)
        .edit(
            p -> {
              p.getMetadata().setLabels(labels);
              return p;
            });
  }

  private static void awaitOwner(String ns, String name, String kind, String uid) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              OwnerReference ref = Owners.controllerOf(pod(ns, name));
              assertThat(ref.getKind()).isEqualTo(kind);
              assertThat(ref.getUid()).isEqualTo(uid);
              assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
  }

  private static void awaitReleased(String ns, String name) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Owners.controllerOf(pod(ns, name))).isNull());
  }

  @Test
  void statefulSetAdoptsItsNamedOrphansAndReleasesRelabeledPods() {
    String ns = "sts-adopt";
    client.pods().resource(orphan(ns, "db-0", Map.of("app", "db"), null)).create();
    client.pods().resource(orphan(ns, "db-extra", Map.of("app", "db"), null)).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new StatefulSetController(loops.context()).controller()).start();
      String uid =
          client
              .apps()
              .statefulSets()
              .inNamespace(ns)
              .resource(
                  new StatefulSetBuilder()
                      .withNewMetadata()
                      .withName("db")
                      .withNamespace(ns)
                      .withGeneration(1L)
                      .endMetadata()
                      .withNewSpec()
                      .withReplicas(1)
                      .withServiceName("db")
                      .withNewSelector()
                      .withMatchLabels(Map.of("app", "db"))
                      .endSelector()
                      .withTemplate(template(Map.of("app", "db")))
                      .endSpec()
                      .build())
              .create()
              .getMetadata()
              .getUid();
      awaitOwner(ns, "db-0", "StatefulSet", uid);
      // Matching labels but not a member name: left alone.
      assertThat(Owners.controllerOf(pod(ns, "db-extra"))).isNull();

      relabel(ns, "db-0", Map.of("app", "debug"));
      awaitReleased(ns, "db-0");
    }
  }

  @Test
  void jobAdoptsMatchingOrphansAndReleasesRelabeledPods() {
    String ns = "job-adopt";
    Map<String, String> labels = Map.of("job", "batch1");
    client.pods().resource(orphan(ns, "worker", labels, "n1")).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new JobController(loops.context()).controller()).start();
      String uid =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns)
              .resource(
                  new JobBuilder()
                      .withNewMetadata()
                      .withName("batch1")
                      .withNamespace(ns)
                      .endMetadata()
                      .withNewSpec()
                      .withManualSelector(true)
                      .withParallelism(1)
                      .withCompletions(1)
                      .withNewSelector()
                      .withMatchLabels(labels)
                      .endSelector()
                      .withTemplate(template(labels))
                      .endSpec()
                      .build())
              .create()
              .getMetadata()
              .getUid();
      awaitOwner(ns, "worker", "Job", uid);
      // The adopted pod is the Job's one active pod: no second pod is created.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .batch()
                              .v1()
                              .jobs()
                              .inNamespace(ns)
                              .withName("batch1")
                              .get()
                              .getStatus()
                              .getActive())
                      .isEqualTo(1));
      assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(1);

      relabel(ns, "worker", Map.of("job", "other"));
      awaitReleased(ns, "worker");
    }
  }

  @Test
  void daemonSetAdoptsTheOrphanOnItsNodeInsteadOfCreatingOne() {
    String ns = "ds-adopt";
    Map<String, String> labels = Map.of("app", "agent");
    client.nodes().resource(Fixtures.node("adopt-n1", "2", "4Gi")).create();
    client.pods().resource(orphan(ns, "agent-old", labels, "adopt-n1")).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new DaemonSetController(loops.context()).controller()).start();
      String uid =
          client
              .apps()
              .daemonSets()
              .inNamespace(ns)
              .resource(
                  new DaemonSetBuilder()
                      .withNewMetadata()
                      .withName("agent")
                      .withNamespace(ns)
                      .withGeneration(1L)
                      .endMetadata()
                      .withNewSpec()
                      // OnDelete: the adopted pod (of no known revision) is not rolled away.
                      .withNewUpdateStrategy()
                      .withType("OnDelete")
                      .endUpdateStrategy()
                      .withNewSelector()
                      .withMatchLabels(labels)
                      .endSelector()
                      .withTemplate(template(labels))
                      .endSpec()
                      .build())
              .create()
              .getMetadata()
              .getUid();
      awaitOwner(ns, "agent-old", "DaemonSet", uid);
      assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(1);

      relabel(ns, "agent-old", Map.of("app", "retired"));
      awaitReleased(ns, "agent-old");
      // Released, the node has no daemon pod any more: a new one is created for it.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          client.pods().inNamespace(ns).withLabel("app", "agent").list().getItems())
                      .singleElement()
                      .satisfies(p -> assertThat(Owners.controllerOf(p).getUid()).isEqualTo(uid)));
    } finally {
      client.nodes().withName("adopt-n1").delete();
    }
  }
}
