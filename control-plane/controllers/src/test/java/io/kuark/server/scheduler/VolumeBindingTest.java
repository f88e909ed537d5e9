package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.plugins.VolumeLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VolumeBindingTest {
  /** In-memory claims, volumes and classes; records selected-node writes. */
  static final class FakeVolumes implements VolumeLookup {
    final Map<String, PersistentVolumeClaim> claims = new HashMap<>();
    final Map<String, PersistentVolume> volumes = new LinkedHashMap<>();
    final Map<String, StorageClass> classes = new HashMap<>();
    final Map<String, String> selected = new HashMap<>();

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
      return claims.get(namespace + "/" + name);
    }

    @Override
    public PersistentVolume volume(String name) {
      return volumes.get(name);
    }

    @Override
    public List<PersistentVolume> volumes() {
      return new ArrayList<>(volumes.values());
    }

    @Override
    public StorageClass storageClass(String name) {
      return classes.get(name);
    }

    @Override
    public void selectNode(PersistentVolumeClaim claim, String nodeName) {
      selected.put(claim.getMetadata().getName(), nodeName);
    }
  }

  private final FakeVolumes fake = new FakeVolumes();
  private final SchedulingFramework framework = DefaultProfile.create(new Random(1), fake);

  private static Pod podWithClaim(String claim) {
    Pod p = Fixtures.pod("p", "100m", "64Mi");
    p.getSpec()
        .setVolumes(
            List.of(
                new VolumeBuilder()
                    .withName("data")
                    .withNewPersistentVolumeClaim()
                    .withClaimName(claim)
                    .endPersistentVolumeClaim()
                    .build()));
    return p;
  }

  private void claim(String name, String className, String boundTo) {
    PersistentVolumeClaimBuilder b =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(className)
            .withVolumeName(boundTo)
            .withNewResources()
            .withRequests(Map.of("storage", new Quantity("1Gi")))
            .endResources()
            .endSpec();
    if (boundTo != null) {
      b.editMetadata()
          .withAnnotations(Map.of("pv.kubernetes.io/bind-completed", "yes"))
          .endMetadata();
    }
    fake.claims.put("default/" + name, b.build());
  }

  private void localVolume(String name, String className, String node) {
    fake.volumes.put(
        name,
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", new Quantity("1Gi")))
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(className)
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
            .withNewStatus()
            .withPhase("Available")
            .endStatus()
            .build());
  }

  private void waitingClass(String name, String provisioner) {
    fake.classes.put(
        name,
        new StorageClassBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withProvisioner(provisioner)
            .withVolumeBindingMode("WaitForFirstConsumer")
            .build());
  }

  private ScheduleResult schedule(CycleState state, Pod pod) {
    return framework.schedule(
        state,
        new PodInfo(pod),
        List.of(
            new NodeInfo(Fixtures.node("node-a", "2", "4Gi")),
            new NodeInfo(Fixtures.node("node-b", "2", "4Gi"))));
  }

  @Test
  void boundVolumeNodeAffinityPinsThePod() {
    claim("data", "local", "pv-b");
    localVolume("pv-b", "local", "node-b");
    ScheduleResult r = schedule(new CycleState(), podWithClaim("data"));
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("node-b");

    fake.volumes.clear();
    localVolume("pv-b", "local", "node-c");
    r = schedule(new CycleState(), podWithClaim("data"));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith("0/2 nodes are available: 2 node(s) had volume node affinity conflict.");
  }

  @Test
  void delayedClaimPicksANodeWithAFreeVolumeAndAnnotatesTheClaim() {
    waitingClass("local", "kubernetes.io/no-provisioner");
    claim("data", "local", null);
    localVolume("pv-a", "local", "node-a");
    CycleState state = new CycleState();
    Pod pod = podWithClaim("data");
    ScheduleResult r = schedule(state, pod);
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("node-a");
    assertThat(framework.preBind(state, new PodInfo(pod), "node-a").isSuccess()).isTrue();
    assertThat(fake.selected).containsEntry("data", "node-a");
  }

  @Test
  void delayedClaimWithoutVolumesOrProvisionerIsUnschedulable() {
    waitingClass("local", "kubernetes.io/no-provisioner");
    claim("data", "local", null);
    ScheduleResult r = schedule(new CycleState(), podWithClaim("data"));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to"
                + " bind.");

    // A provisioner can make a volume anywhere.
    waitingClass("local", "hostpath.csi.kuark.io");
    assertThat(schedule(new CycleState(), podWithClaim("data")))
        .isInstanceOf(ScheduleResult.Scheduled.class);
  }

  @Test
  void missingAndImmediateUnboundClaimsKeepThePodPending() {
    ScheduleResult r = schedule(new CycleState(), podWithClaim("nope"));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .contains("persistentvolumeclaim \"nope\" not found");
    claim("immediate", "", null);
    r = schedule(new CycleState(), podWithClaim("immediate"));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .contains("pod has unbound immediate PersistentVolumeClaims");
  }
}
