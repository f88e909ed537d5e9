package io.kuark.server.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.daemonset.DaemonSetController;
import io.kuark.server.controller.job.JobController;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.statefulset.StatefulSetController;
import io.kuark.server.controller.testing.TestLoops;
import io.kuark.server.scheduler.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * StatefulSet, Job and DaemonSet adopt matching orphan pods (controller reference added, no
 * duplicate created) and release owned pods whose labels stop matching, as upstream's
 * ControllerRefManager; a StatefulSet adopts only pods named as its members. StatefulSet and
 * DaemonSet do the same with ControllerRevisions (upstream's ClaimControllerRevisions).
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

  /** Waits until the object {@code read} returns is controlled by {@code kind} {@code uid}. */
  private static void awaitControlledBy(Supplier<HasMetadata> read, String kind, String uid) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              OwnerReference ref = Owners.controllerOf(read.get());
              assertThat(ref.getKind()).isEqualTo(kind);
              assertThat(ref.getUid()).isEqualTo(uid);
              assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
  }

  /** Waits until the object {@code read} returns has no controller. */
  private static void awaitUncontrolled(Supplier<HasMetadata> read) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Owners.controllerOf(read.get())).isNull());
  }

  private static void awaitOwner(String ns, String name, String kind, String uid) {
    awaitControlledBy(() -> pod(ns, name), kind, uid);
  }

  private static void awaitReleased(String ns, String name) {
    awaitUncontrolled(() -> pod(ns, name));
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

  private static ControllerRevision revision(
      String ns, String name, Map<String, String> labels, OwnerReference owner) {
    ControllerRevision r = new ControllerRevision();
    r.setApiVersion("apps/v1");
    r.setKind("ControllerRevision");
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .withLabels(labels)
            .withOwnerReferences(owner == null ? List.of() : List.of(owner))
            .build());
    r.setRevision(1L);
    Map<String, Object> template = new java.util.HashMap<>();
    template.put("metadata", Map.of("labels", labels));
    template.put("spec", Map.of("containers", List.of(Map.of("name", "c", "image", "app:0"))));
    template.put("$patch", "replace");
    r.setData(Map.of("spec", Map.of("template", template)));
    return client.apps().controllerRevisions().inNamespace(ns).resource(r).create();
  }

  private static OwnerReference controllerRef(String kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static ControllerRevision revisionNamed(String ns, String name) {
    return client.apps().controllerRevisions().inNamespace(ns).withName(name).get();
  }

  private static void awaitRevisionOwner(String ns, String name, String kind, String uid) {
    awaitControlledBy(() -> revisionNamed(ns, name), kind, uid);
  }

  private static void awaitRevisionReleased(String ns, String name) {
    awaitUncontrolled(() -> revisionNamed(ns, name));
  }

  private static ObjectMeta workloadMeta(String ns, String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(ns).withGeneration(1L).build();
  }

  /**
   * Runs {@code controller} against a workload created next to an orphan revision that matches its
   * selector and one that does not, plus a revision of its own whose labels no longer match: the
   * matching orphan is adopted, the stale one released, the unrelated one left alone. {@code more}
   * gets the workload's uid and runs while the controller still runs.
   */
  private static void assertRevisionAdoption(
      HasMetadata workload,
      Map<String, String> labels,
      Function<TestLoops, Controller> controller,
      Consumer<String> more) {
    String ns = workload.getMetadata().getNamespace();
    String name = workload.getMetadata().getName();
    revision(ns, name + "-orphan", labels, null);
    revision(ns, "unrelated", Map.of("app", "other"), null);
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(controller.apply(loops)).start();
      String uid = client.resource(workload).create().getMetadata().getUid();
      revision(
          ns, name + "-stale", Map.of("app", "gone"), controllerRef(workload.getKind(), name, uid));

      awaitRevisionOwner(ns, name + "-orphan", workload.getKind(), uid);
      awaitRevisionReleased(ns, name + "-stale");
      assertThat(Owners.controllerOf(revisionNamed(ns, "unrelated"))).isNull();
      more.accept(uid);
    }
  }

  @Test
  void statefulSetAdoptsMatchingOrphanRevisionsAndReleasesOthers() {
    String ns = "sts-history";
    Map<String, String> labels = Map.of("app", "db");
    assertRevisionAdoption(
        new StatefulSetBuilder()
            .withMetadata(workloadMeta(ns, "db"))
            .withNewSpec()
            .withReplicas(0)
            .withServiceName("db")
            .withNewSelector()
            .withMatchLabels(labels)
            .endSelector()
            .withTemplate(template(labels))
            .endSpec()
            .build(),
        labels,
        loops -> new StatefulSetController(loops.context()).controller(),
        // Its own revision of the current template exists next to the adopted history.
        uid ->
            assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems())
                .filteredOn(r -> r.getMetadata().getName().startsWith("db-"))
                .filteredOn(r -> Owners.isControlledBy(r, uid))
                .hasSizeGreaterThanOrEqualTo(2));
  }

  @Test
  void daemonSetAdoptsMatchingOrphanRevisionsAndReleasesOthers() {
    Map<String, String> labels = Map.of("app", "logger");
    assertRevisionAdoption(
        new DaemonSetBuilder()
            .withMetadata(workloadMeta("ds-history", "logger"))
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(labels)
            .endSelector()
            .withTemplate(template(labels))
            .endSpec()
            .build(),
        labels,
        loops -> new DaemonSetController(loops.context()).controller(),
        uid -> {});
  }
}
