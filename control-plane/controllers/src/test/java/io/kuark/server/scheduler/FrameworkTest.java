package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameworkTest {
  private final SchedulingFramework framework = DefaultProfile.create(new Random(1));

  private ScheduleResult schedule(Pod pod, NodeInfo... nodes) {
    return framework.schedule(new CycleState(), new PodInfo(pod), List.of(nodes));
  }

  private static NodeInfo info(io.fabric8.kubernetes.api.model.Node n, Pod... running) {
    NodeInfo info = new NodeInfo(n);
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  @Test
  void messageMatchesUpstreamForMixedReasons() {
    Taint cp = new Taint("NoSchedule", "node-role.kubernetes.io/control-plane", null, null);
    ScheduleResult r;
    r =
        schedule(
            Fixtures.pod("big", "3", "1Gi"),
            info(Fixtures.node("a", "2", "4Gi")),
            info(Fixtures.node("b", "8", "4Gi", cp)),
            info(Fixtures.node("c", "8", "4Gi", cp)));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint"
                + " {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available:"
                + " 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for"
                + " scheduling.");
  }

  @Test
  void oneNodeCanFailSeveralResources() {
    ScheduleResult r =
        schedule(Fixtures.pod("p", "4", "8Gi"), info(Fixtures.node("a", "2", "4Gi")));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption:");
  }

  @Test
  void tolerationLetsThePodOntoATaintedNode() {
    Taint t = new Taint("NoSchedule", "dedicated", null, "gpu");
    Pod pod = Fixtures.pod("p", "100m", "10Mi");
    pod.getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("dedicated")
                    .withOperator("Equal")
                    .withValue("gpu")
                    .withEffect("NoSchedule")
                    .build()));
    assertThat(schedule(pod, info(Fixtures.node("a", "2", "4Gi", t))))
        .isEqualTo(new ScheduleResult.Scheduled("a", 1, 1));
    Pod wrong = Fixtures.pod("q", "100m", "10Mi");
    wrong
        .getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("dedicated")
                    .withOperator("Equal")
                    .withValue("cpu")
                    .build()));
    assertThat(schedule(wrong, info(Fixtures.node("a", "2", "4Gi", t))))
        .isInstanceOf(ScheduleResult.Unschedulable.class);
  }

  @Test
  void prefersTheLeastAllocatedNode() {
    Pod busy = Fixtures.pod("busy", "1500m", "3Gi");
    for (int i = 0; i < 20; i++) {
      ScheduleResult r =
          schedule(
              Fixtures.pod("p" + i, "100m", "100Mi"),
              info(Fixtures.node("full", "2", "4Gi"), busy),
              info(Fixtures.node("empty", "2", "4Gi")));
      assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("empty");
    }
  }

  @Test
  void nodeSelectorAndRequiredAffinityFilter() {
    io.fabric8.kubernetes.api.model.Node ssd = Fixtures.node("ssd", "2", "4Gi");
    ssd.getMetadata().setLabels(Map.of("disk", "ssd", "zone", "z1"));
    io.fabric8.kubernetes.api.model.Node hdd = Fixtures.node("hdd", "2", "4Gi");
    hdd.getMetadata().setLabels(Map.of("disk", "hdd", "zone", "z2"));
    Pod pod = Fixtures.pod("p", "100m", "10Mi");
    pod.getSpec().setNodeSelector(Map.of("disk", "ssd"));
    assertThat(((ScheduleResult.Scheduled) schedule(pod, info(ssd), info(hdd))).node())
        .isEqualTo("ssd");

    Pod affine = Fixtures.pod("a", "100m", "10Mi");
    affine
        .getSpec()
        .setAffinity(
            new io.fabric8.kubernetes.api.model.AffinityBuilder()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(
                    new NodeSelectorTermBuilder()
                        .withMatchExpressions(
                            new NodeSelectorRequirementBuilder()
                                .withKey("zone")
                                .withOperator("NotIn")
                                .withValues("z1")
                                .build())
                        .build())
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .build());
    assertThat(((ScheduleResult.Scheduled) schedule(affine, info(ssd), info(hdd))).node())
        .isEqualTo("hdd");

    pod.getSpec().setNodeSelector(Map.of("disk", "nvme"));
    assertThat(((ScheduleResult.Unschedulable) schedule(pod, info(ssd), info(hdd))).message())
        .startsWith(
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
  }

  @Test
  void initContainersAndOverheadCountTowardRequests() {
    Pod pod = Fixtures.pod("p", "500m", "100Mi");
    pod.getSpec()
        .setInitContainers(
            List.of(
                new ContainerBuilder()
                    .withName("init")
                    .withResources(
                        new ResourceRequirementsBuilder()
                            .withRequests(Map.of("cpu", new Quantity("1500m")))
                            .build())
                    .build()));
    pod.getSpec().setOverhead(Map.of("cpu", new Quantity("250m")));
    PodInfo info = new PodInfo(pod);
    assertThat(info.requests.milliCpu).isEqualTo(1750);
    assertThat(schedule(pod, info(Fixtures.node("a", "1500m", "4Gi"))))
        .isInstanceOf(ScheduleResult.Unschedulable.class);
    assertThat(schedule(pod, info(Fixtures.node("a", "2", "4Gi"))))
        .isInstanceOf(ScheduleResult.Scheduled.class);
  }

  @Test
  void hostPortConflictsRejectTheNode() {
    Pod running = Fixtures.pod("r", "100m", "10Mi");
    running
        .getSpec()
        .getContainers()
        .get(0)
        .setPorts(
            List.of(new ContainerPortBuilder().withContainerPort(80).withHostPort(8080).build()));
    Pod pod = Fixtures.pod("p", "100m", "10Mi");
    pod.getSpec()
        .getContainers()
        .get(0)
        .setPorts(
            List.of(new ContainerPortBuilder().withContainerPort(80).withHostPort(8080).build()));
    ScheduleResult r =
        schedule(
            pod,
            info(Fixtures.node("a", "2", "4Gi"), running),
            info(Fixtures.node("b", "2", "4Gi")));
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");
  }

  @Test
  void notReadyAndCordonedNodesAreSkipped() {
    io.fabric8.kubernetes.api.model.Node notReady = Fixtures.node("nr", "2", "4Gi");
    notReady.getStatus().getConditions().get(0).setStatus("False");
    io.fabric8.kubernetes.api.model.Node cordoned = Fixtures.node("co", "2", "4Gi");
    cordoned.getSpec().setUnschedulable(true);
    ScheduleResult r = schedule(Fixtures.pod("p", "100m", "10Mi"), info(notReady), info(cordoned));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable.");
  }
}
