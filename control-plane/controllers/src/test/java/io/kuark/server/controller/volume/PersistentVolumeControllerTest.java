package io.kuark.server.controller.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import io.kuark.server.scheduler.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class PersistentVolumeControllerTest {
  static KubernetesClient client;

  static PersistentVolumeBuilder pv(String name, String size, String className, String... modes) {
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity(size)))
        .withAccessModes(modes.length == 0 ? List.of("ReadWriteOnce") : List.of(modes))
        .withStorageClassName(className)
        .withNewHostPath()
        .withPath("/tmp/" + name)
        .endHostPath()
        .endSpec();
  }

  static PersistentVolumeClaimBuilder claim(String ns, String name, String size, String className) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(className)
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(size)))
        .endResources()
        .endSpec();
  }

  private static PersistentVolume getPv(String name) {
    return client.persistentVolumes().withName(name).get();
  }

  private static PersistentVolumeClaim getClaim(String ns, String name) {
    return client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
  }

  private static String phase(PersistentVolume pv) {
    return pv.getStatus() == null ? null : pv.getStatus().getPhase();
  }

  private static void eventually(ThrowingRunnable assertion) {
    await().ignoreExceptions().atMost(Duration.ofSeconds(60)).untilAsserted(assertion);
  }

  private static boolean hasEvent(String ns, String object, String reason, String text) {
    for (Event e : client.v1().events().inNamespace(ns).list().getItems()) {
      if (object.equals(e.getInvolvedObject().getName())
          && reason.equals(e.getReason())
          && e.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static TestLoops loops() {
    TestLoops loops = new TestLoops(client, Clock.systemUTC());
    PersistentVolumeController c = new PersistentVolumeController(loops.context());
    return loops.with(c.claimController()).with(c.volumeController()).start();
  }

  @Test
  void bindsSmallestFittingVolumeThenReleasesAndReclaims() {
    client.persistentVolumes().resource(pv("big", "5Gi", "").build()).create();
    client.persistentVolumes().resource(pv("small", "2Gi", "").build()).create();
    client.persistentVolumes().resource(pv("shared", "1Gi", "", "ReadWriteMany").build()).create();
    PersistentVolume deleting = pv("deleting", "3Gi", "manual").build();
    deleting.getSpec().setPersistentVolumeReclaimPolicy("Delete");
    client.persistentVolumes().resource(deleting).create();
    try (TestLoops loops = loops()) {
      eventually(() -> assertThat(phase(getPv("big"))).isEqualTo("Available"));
      client.persistentVolumeClaims().resource(claim("a", "data", "1Gi", "").build()).create();
      eventually(
          () -> {
            PersistentVolumeClaim c = getClaim("a", "data");
            assertThat(c.getStatus().getPhase()).isEqualTo("Bound");
            assertThat(c.getSpec().getVolumeName()).isEqualTo("small");
            assertThat(c.getStatus().getCapacity()).containsEntry("storage", new Quantity("2Gi"));
            assertThat(c.getMetadata().getAnnotations())
                .containsEntry("pv.kubernetes.io/bind-completed", "yes")
                .containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
          });
      PersistentVolume small = getPv("small");
      assertThat(phase(small)).isEqualTo("Bound");
      assertThat(small.getSpec().getClaimRef().getUid())
          .isEqualTo(getClaim("a", "data").getMetadata().getUid());
      assertThat(small.getMetadata().getAnnotations())
          .containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
      assertThat(phase(getPv("big"))).isEqualTo("Available");

      // Retain: the claim goes, the volume is Released and stays out of the pool.
      client.persistentVolumeClaims().inNamespace("a").withName("data").delete();
      eventually(() -> assertThat(phase(getPv("small"))).isEqualTo("Released"));
      client.persistentVolumeClaims().resource(claim("a", "again", "1Gi", "").build()).create();
      eventually(
          () -> assertThat(getClaim("a", "again").getSpec().getVolumeName()).isEqualTo("big"));

      // Delete without a deleter: Failed with upstream's message.
      client
          .persistentVolumeClaims()
          .resource(claim("a", "gone", "1Gi", "manual").build())
          .create();
      eventually(
          () -> assertThat(getClaim("a", "gone").getSpec().getVolumeName()).isEqualTo("deleting"));
      client.persistentVolumeClaims().inNamespace("a").withName("gone").delete();
      eventually(
          () -> {
            PersistentVolume pv = getPv("deleting");
            assertThat(phase(pv)).isEqualTo("Failed");
            assertThat(pv.getStatus().getMessage()).contains("no deletable volume plugin matched");
          });
    }
  }

  @Test
  void classSelectorAndPreBindingDecide() {
    client
        .persistentVolumes()
        .resource(
            pv("fast-silver", "1Gi", "fast")
                .editMetadata()
                .withLabels(Map.of("tier", "silver"))
                .endMetadata()
                .build())
        .create();
    client
        .persistentVolumes()
        .resource(
            pv("slow-gold", "1Gi", "slow")
                .editMetadata()
                .withLabels(Map.of("tier", "gold"))
                .endMetadata()
                .build())
        .create();
    client
        .persistentVolumes()
        .resource(
            pv("fast-gold", "8Gi", "fast")
                .editMetadata()
                .withLabels(Map.of("tier", "gold"))
                .endMetadata()
                .build())
        .create();
    client
        .persistentVolumes()
        .resource(
            pv("reserved", "10Gi", "")
                .editSpec()
                .withNewClaimRef()
                .withNamespace("b")
                .withName("mine")
                .endClaimRef()
                .endSpec()
                .build())
        .create();
    client.persistentVolumes().resource(pv("tiny", "100Mi", "").build()).create();
    try (TestLoops loops = loops()) {
      client
          .persistentVolumeClaims()
          .resource(
              claim("b", "gold", "1Gi", "fast")
                  .editSpec()
                  .withNewSelector()
                  .withMatchLabels(Map.of("tier", "gold"))
                  .endSelector()
                  .endSpec()
                  .build())
          .create();
      eventually(
          () -> assertThat(getClaim("b", "gold").getSpec().getVolumeName()).isEqualTo("fast-gold"));

      // Pre-bound by the administrator through claimRef: chosen although smaller volumes fit.
      client.persistentVolumes().resource(pv("other", "1Gi", "").build()).create();
      client.persistentVolumeClaims().resource(claim("b", "mine", "1Gi", "").build()).create();
      eventually(
          () -> {
            assertThat(getClaim("b", "mine").getSpec().getVolumeName()).isEqualTo("reserved");
            assertThat(getClaim("b", "mine").getMetadata().getAnnotations())
                .containsEntry("pv.kubernetes.io/bind-completed", "yes");
            assertThat(getPv("reserved").getSpec().getClaimRef().getUid()).isNotEmpty();
            assertThat(phase(getPv("reserved"))).isEqualTo("Bound");
          });
      assertThat(getPv("reserved").getMetadata().getAnnotations()).isNullOrEmpty();

      // spec.volumeName naming a volume that is too small: Pending with VolumeMismatch.
      client
          .persistentVolumeClaims()
          .resource(
              claim("b", "named", "1Gi", "").editSpec().withVolumeName("tiny").endSpec().build())
          .create();
      eventually(
          () -> {
            assertThat(getClaim("b", "named").getStatus().getPhase()).isEqualTo("Pending");
            assertThat(
                    hasEvent(
                        "b",
                        "named",
                        "VolumeMismatch",
                        "Cannot bind to requested volume \"tiny\": requested PV is too small"))
                .isTrue();
          });
      assertThat(phase(getPv("tiny"))).isEqualTo("Available");
    }
  }

  @Test
  void waitForFirstConsumerBindsOnTheSelectedNodeAndProvisionersAreLeftAlone() {
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName("local")
                .endMetadata()
                .withProvisioner("kubernetes.io/no-provisioner")
                .withVolumeBindingMode("WaitForFirstConsumer")
                .build())
        .create();
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName("csi")
                .endMetadata()
                .withProvisioner("hostpath.csi.kuark.io")
                .build())
        .create();
    client.nodes().resource(Fixtures.node("node-a", "2", "4Gi")).create();
    client.nodes().resource(Fixtures.node("node-b", "2", "4Gi")).create();
    for (String node : new String[] {"node-a", "node-b"}) {
      client
          .persistentVolumes()
          .resource(
              pv("local-" + node, "1Gi", "local")
                  .editSpec()
                  .withNewNodeAffinity()
                  .withNewRequired()
                  .addNewNodeSelectorTerm()
                  .addNewMatchExpression()
                  .withKey("kubernetes.io/hostname")
                  .withOperator("In")
                  .withValues(node)
                  .endMatchExpression()
                  .endNodeSelectorTerm()
                  .endRequired()
                  .endNodeAffinity()
                  .endSpec()
                  .build())
          .create();
    }
    try (TestLoops loops = loops()) {
      client.persistentVolumeClaims().resource(claim("c", "late", "1Gi", "local").build()).create();
      eventually(
          () -> {
            assertThat(getClaim("c", "late").getStatus().getPhase()).isEqualTo("Pending");
            assertThat(
                    hasEvent(
                        "c",
                        "late",
                        "WaitForFirstConsumer",
                        "waiting for first consumer to be created before binding"))
                .isTrue();
          });
      assertThat(getClaim("c", "late").getSpec().getVolumeName()).isNull();

      client
          .persistentVolumeClaims()
          .inNamespace("c")
          .withName("late")
          .edit(
              c -> {
                c.getMetadata()
                    .setAnnotations(Map.of("volume.kubernetes.io/selected-node", "node-b"));
                return c;
              });
      eventually(
          () ->
              assertThat(getClaim("c", "late").getSpec().getVolumeName())
                  .isEqualTo("local-node-b"));

      client.persistentVolumeClaims().resource(claim("c", "dyn", "1Gi", "csi").build()).create();
      eventually(
          () -> {
            PersistentVolumeClaim c = getClaim("c", "dyn");
            assertThat(c.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(c.getMetadata().getAnnotations())
                .containsEntry("volume.kubernetes.io/storage-provisioner", "hostpath.csi.kuark.io");
            assertThat(hasEvent("c", "dyn", "ExternalProvisioning", "hostpath.csi.kuark.io"))
                .isTrue();
          });
    }
  }
}
