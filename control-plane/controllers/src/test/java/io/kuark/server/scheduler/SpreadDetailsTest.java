package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
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

/**
 * PodTopologySpread {@code matchLabelKeys} and system default constraints, and pod (anti-)affinity
 * {@code namespaceSelector} evaluated against Namespace labels.
 */
class SpreadDetailsTest {

  private static Node node(String name, String zone) {
    Node n = Fixtures.node(name, "8", "16Gi");
    Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels());
    if (zone != null) {
      labels.put("topology.kubernetes.io/zone", zone);
    }
    n.getMetadata().setLabels(labels);
    return n;
  }

  private static Pod pod(String name, String ns, Map<String, String> labels) {
    Pod p = Fixtures.pod(name, "100m", "64Mi");
    p.getMetadata().setNamespace(ns);
    p.getMetadata().setLabels(labels);
    return p;
  }

  private static NodeInfo info(Node n, Pod... running) {
    NodeInfo info = new NodeInfo(n);
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  private static ScheduleResult schedule(SchedulingFramework fw, Pod pod, NodeInfo... nodes) {
    return fw.schedule(new CycleState(), new PodInfo(pod), List.of(nodes));
  }

  private static String node(ScheduleResult r) {
    assertThat(r).isInstanceOf(ScheduleResult.Scheduled.class);
    return ((ScheduleResult.Scheduled) r).node();
  }

  @Test
  void matchLabelKeysOnlyCountPodsOfTheSameRevision() {
    SchedulingFramework fw = DefaultProfile.create(new Random(3));
    Pod incoming = pod("new", "default", Map.of("app", "web", "pod-template-hash", "v2"));
    incoming
        .getSpec()
        .setTopologySpreadConstraints(
            List.of(
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("topology.kubernetes.io/zone")
                    .withWhenUnsatisfiable("DoNotSchedule")
                    .withLabelSelector(
                        new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
                    .withMatchLabelKeys("pod-template-hash")
                    .build()));
    // z1 holds two old-revision pods, z2 one new-revision pod. Counting all "app=web" pods would
    // force z2 (1 vs 2); counting only v2 pods, z1 (0) is the only zone within skew.
    NodeInfo a =
        info(
            node("a", "z1"),
            pod("old-1", "default", Map.of("app", "web", "pod-template-hash", "v1")),
            pod("old-2", "default", Map.of("app", "web", "pod-template-hash", "v1")));
    NodeInfo b =
        info(
            node("b", "z2"),
            pod("new-1", "default", Map.of("app", "web", "pod-template-hash", "v2")));
    assertThat(node(schedule(fw, incoming, a, b))).isEqualTo("a");

    // Without matchLabelKeys the same pods send it to z2.
    incoming.getSpec().getTopologySpreadConstraints().get(0).setMatchLabelKeys(null);
    assertThat(node(schedule(fw, incoming, a, b))).isEqualTo("b");
  }

  @Test
  void systemDefaultsSpreadPodsOfAServiceAcrossHosts() {
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "web"))
            .endSpec()
            .build();
    DefaultSpreadSelector selector =
        new DefaultSpreadSelector(
            ns -> List.of(service), ns -> List.of(), (ns, n) -> null, (ns, n) -> null);
    SchedulingFramework fw = DefaultProfile.create(new Random(5), null, selector, ns -> null);
    // Nodes without zone labels (as most single-zone clusters): the hostname default still works.
    NodeInfo busy =
        info(
            node("busy", null),
            pod("w1", "default", Map.of("app", "web")),
            pod("w2", "default", Map.of("app", "web")),
            pod("w3", "default", Map.of("app", "web")));
    // "idle" holds no web pod but a big other pod, so resource scores alone prefer "busy".
    Pod big = Fixtures.pod("x", "4", "64Mi");
    big.getMetadata().setLabels(Map.of("app", "other"));
    NodeInfo idle = info(node("idle", null), big);
    Pod incoming = pod("w-new", "default", Map.of("app", "web"));
    assertThat(node(schedule(DefaultProfile.create(new Random(5)), incoming, busy, idle)))
        .isEqualTo("busy");
    assertThat(node(schedule(fw, incoming, busy, idle))).isEqualTo("idle");
    // A pod nothing selects gets no default constraint.
    assertThat(selector.apply(pod("lonely", "default", Map.of("app", "db")))).isNull();
  }

  @Test
  void defaultSelectorCombinesServicesAndTheControllingReplicaSet() {
    var rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withSelector(
                new LabelSelectorBuilder()
                    .withMatchLabels(Map.of("app", "web", "pod-template-hash", "1"))
                    .build())
            .endSpec()
            .build();
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("tier", "front"))
            .endSpec()
            .build();
    DefaultSpreadSelector selector =
        new DefaultSpreadSelector(
            ns -> List.of(service),
            ns -> List.of(),
            (ns, n) -> n.equals("web-1") ? rs : null,
            (ns, n) -> null);
    Pod p =
        pod(
            "web-1-abc",
            "default",
            Map.of("app", "web", "pod-template-hash", "1", "tier", "front"));
    p.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withKind("ReplicaSet")
                    .withName("web-1")
                    .withController(true)
                    .build()));
    LabelSelector s = selector.apply(p);
    assertThat(s.getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("app", "web", "pod-template-hash", "1", "tier", "front"));
  }

  @Test
  void namespaceSelectorPicksNamespacesByLabel() {
    Map<String, Map<String, String>> namespaceLabels =
        Map.of(
            "prod-a",
            Map.of("env", "prod"),
            "prod-b",
            Map.of("env", "prod"),
            "dev",
            Map.of("env", "dev"));
    SchedulingFramework fw = DefaultProfile.create(new Random(9), null, null, namespaceLabels::get);
    Pod incoming = pod("cache", "prod-a", Map.of("app", "cache"));
    incoming
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    new PodAffinityTermBuilder()
                        .withTopologyKey("kubernetes.io/hostname")
                        .withLabelSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "cache"))
                                .build())
                        .withNamespaceSelector(
                            new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("env", "prod"))
                                .build())
                        .build())
                .endPodAntiAffinity()
                .build());
    // A prod cache in another prod namespace repels; a dev cache does not.
    NodeInfo withProd = info(node("p", null), pod("c1", "prod-b", Map.of("app", "cache")));
    NodeInfo withDev = info(node("d", null), pod("c2", "dev", Map.of("app", "cache")));
    assertThat(node(schedule(fw, incoming, withProd, withDev))).isEqualTo("d");

    // Without Namespace labels known, the selector selects nothing: both nodes are fine.
    SchedulingFramework blind = DefaultProfile.create(new Random(9));
    NodeInfo onlyProd = info(node("p2", null), pod("c3", "prod-b", Map.of("app", "cache")));
    assertThat(node(schedule(blind, incoming, onlyProd))).isEqualTo("p2");
    assertThat(node(schedule(fw, incoming, onlyProd, withDev))).isEqualTo("d");
  }
}
