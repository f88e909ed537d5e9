package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PodTopologySpread, InterPodAffinity and ImageLocality in the default profile. */
class SpreadAndAffinityTest {
  private final SchedulingFramework framework = DefaultProfile.create(new Random(7));

  private static Node node(String name, String zone) {
    Node n = Fixtures.node(name, "8", "16Gi");
    Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels());
    if (zone != null) {
      labels.put("topology.kubernetes.io/zone", zone);
    }
    n.getMetadata().setLabels(labels);
    return n;
  }

  private static Pod pod(String name, String app) {
    Pod p = Fixtures.pod(name, "100m", "64Mi");
    p.getMetadata().setLabels(Map.of("app", app));
    return p;
  }

  private static NodeInfo info(Node n, Pod... running) {
    NodeInfo info = new NodeInfo(n);
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  private ScheduleResult schedule(Pod pod, NodeInfo... nodes) {
    return framework.schedule(new CycleState(), new PodInfo(pod), List.of(nodes));
  }

  private static Pod spread(String name, String when, Integer minDomains) {
    Pod p = pod(name, "web");
    p.getSpec()
        .setTopologySpreadConstraints(
            List.of(
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("topology.kubernetes.io/zone")
                    .withWhenUnsatisfiable(when)
                    .withMinDomains(minDomains)
                    .withLabelSelector(
                        new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
                    .build()));
    return p;
  }

  @Test
  void doNotScheduleKeepsZonesWithinMaxSkew() {
    // z1 has two web pods, z2 one: only z2 keeps the skew at 1.
    ScheduleResult r =
        schedule(
            spread("new", "DoNotSchedule", null),
            info(node("a", "z1"), pod("w1", "web"), pod("w2", "web")),
            info(node("b", "z2"), pod("w3", "web")),
            info(node("c", null)));
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");

    // minDomains 3 with two zones: the global minimum counts as 0, so neither zone fits;
    // the node without the zone label is unresolvable.
    r =
        schedule(
            spread("new", "DoNotSchedule", 3),
            info(node("a", "z1"), pod("w1", "web"), pod("w2", "web")),
            info(node("b", "z2"), pod("w3", "web")),
            info(node("c", null)));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints"
                + " (missing required label), 2 node(s) didn't match pod topology spread"
                + " constraints. preemption:");
  }

  @Test
  void minDomainsTreatsMissingDomainsAsEmpty() {
    // One zone with one pod, minDomains 2: the global minimum counts as 0, skew would be 2.
    ScheduleResult r =
        schedule(spread("new", "DoNotSchedule", 2), info(node("a", "z1"), pod("w1", "web")));
    assertThat(r).isInstanceOf(ScheduleResult.Unschedulable.class);
    r = schedule(spread("new", "DoNotSchedule", null), info(node("a", "z1"), pod("w1", "web")));
    assertThat(r).isInstanceOf(ScheduleResult.Scheduled.class);
  }

  @Test
  void scheduleAnywayPrefersTheEmptierZone() {
    for (int i = 0; i < 10; i++) {
      ScheduleResult r =
          schedule(
              spread("new" + i, "ScheduleAnyway", null),
              info(node("a", "z1"), pod("w1", "web"), pod("w2", "web")),
              info(node("b", "z2")));
      assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");
    }
  }

  @Test
  void requiredAffinityAndAntiAffinity() {
    Pod cache = pod("cache", "cache");
    Pod web = pod("web", "web");
    web.getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    new PodAffinityTermBuilder()
                        .withTopologyKey("topology.kubernetes.io/zone")
                        .withLabelSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "cache"))
                                .build())
                        .build())
                .endPodAffinity()
                .withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    new PodAffinityTermBuilder()
                        .withTopologyKey("kubernetes.io/hostname")
                        .withLabelSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "web"))
                                .build())
                        .build())
                .endPodAntiAffinity()
                .build());
    Pod otherWeb = pod("web-0", "web");
    // a: same zone as the cache but already runs a web pod; b: same zone, free; c: other zone.
    ScheduleResult r =
        schedule(
            web,
            info(node("a", "z1"), cache, otherWeb),
            info(node("b", "z1")),
            info(node("c", "z2")));
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");

    r = schedule(web, info(node("a", "z1"), cache, otherWeb), info(node("c", "z2")));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/2 nodes are available: 1 node(s) didn't match pod affinity rules, 1 node(s)"
                + " didn't match pod anti-affinity rules.");
  }

  @Test
  void existingPodsAntiAffinityIsSymmetric() {
    Pod loner = pod("loner", "loner");
    loner
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    new PodAffinityTermBuilder()
                        .withTopologyKey("kubernetes.io/hostname")
                        .withLabelSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "web"))
                                .build())
                        .build())
                .endPodAntiAffinity()
                .build());
    ScheduleResult r =
        schedule(pod("web", "web"), info(node("a", "z1"), loner), info(node("b", "z1")));
    assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("b");
    r = schedule(pod("web", "web"), info(node("a", "z1"), loner));
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .startsWith(
            "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.");
  }

  @Test
  void imageLocalityPrefersNodesWithTheImage() {
    Node warm = node("warm", null);
    warm.getStatus()
        .setImages(
            List.of(
                new ContainerImage(
                    List.of("docker.io/library/busybox:latest"), 600L * 1024 * 1024)));
    for (int i = 0; i < 10; i++) {
      ScheduleResult r = schedule(pod("p" + i, "x"), info(node("cold", null)), info(warm));
      assertThat(((ScheduleResult.Scheduled) r).node()).isEqualTo("warm");
    }
  }

  @Test
  void firstPodOfAnAffinityGroupMayStartAnywhere() {
    Pod first = pod("first", "cache");
    first
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    new PodAffinityTermBuilder()
                        .withTopologyKey("topology.kubernetes.io/zone")
                        .withLabelSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "cache"))
                                .build())
                        .build())
                .endPodAffinity()
                .build());
    assertThat(schedule(first, info(node("a", "z1")))).isInstanceOf(ScheduleResult.Scheduled.class);
  }
}
