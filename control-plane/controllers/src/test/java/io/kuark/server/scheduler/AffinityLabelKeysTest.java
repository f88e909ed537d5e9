package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code matchLabelKeys} and {@code mismatchLabelKeys} of pod (anti-)affinity terms: the values of
 * the term owner's labels narrow the term's labelSelector ({@code key In/NotIn (value)}).
 */
class AffinityLabelKeysTest {
  private static final String HOST = "kubernetes.io/hostname";
  private static final String HASH = "pod-template-hash";

  private final SchedulingFramework framework = DefaultProfile.create(new Random(7));

  private static Pod pod(String name, Map<String, String> labels) {
    Pod p = Fixtures.pod(name, "100m", "64Mi");
    p.getMetadata().setLabels(labels);
    return p;
  }

  private static NodeInfo node(String name, Pod... running) {
    NodeInfo info = new NodeInfo(Fixtures.node(name, "8", "16Gi"));
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  private static PodAffinityTerm term(
      LabelSelector selector, List<String> match, List<String> miss) {
    return new PodAffinityTermBuilder()
        .withTopologyKey(HOST)
        .withLabelSelector(selector)
        .withMatchLabelKeys(match)
        .withMismatchLabelKeys(miss)
        .build();
  }

  private static LabelSelector app(String app) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of("app", app)).build();
  }

  private static Pod withAntiAffinity(Pod p, PodAffinityTerm t) {
    p.getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAntiAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(t)
                .endPodAntiAffinity()
                .build());
    return p;
  }

  private ScheduleResult schedule(Pod pod, NodeInfo... nodes) {
    return framework.schedule(new CycleState(), new PodInfo(pod), List.of(nodes));
  }

  private static String nodeOf(ScheduleResult r) {
    assertThat(r).isInstanceOf(ScheduleResult.Scheduled.class);
    return ((ScheduleResult.Scheduled) r).node();
  }

  @Test
  void matchLabelKeysLimitAntiAffinityToPodsOfTheSameRevision() {
    // The rolling update case: the new revision spreads only against itself, so an old-revision
    // pod does not keep it off node a.
    Pod incoming =
        withAntiAffinity(
            pod("web-v2-b", Map.of("app", "web", HASH, "v2")),
            term(app("web"), List.of(HASH), null));
    ScheduleResult r =
        schedule(
            incoming,
            node("a", pod("web-v1-a", Map.of("app", "web", HASH, "v1"))),
            node("b", pod("web-v2-a", Map.of("app", "web", HASH, "v2"))));
    assertThat(nodeOf(r)).isEqualTo("a");
  }

  @Test
  void aKeyTheIncomingPodLacksIsIgnored() {
    Pod incoming =
        withAntiAffinity(pod("web-x", Map.of("app", "web")), term(app("web"), List.of(HASH), null));
    ScheduleResult r =
        schedule(
            incoming,
            node("a", pod("web-v1-a", Map.of("app", "web", HASH, "v1"))),
            node("b", pod("web-v2-a", Map.of("app", "web", HASH, "v2"))));
    assertThat(r).isInstanceOf(ScheduleResult.Unschedulable.class);
    assertThat(((ScheduleResult.Unschedulable) r).message())
        .contains("2 node(s) didn't match pod anti-affinity rules");
  }

  @Test
  void mismatchLabelKeysKeepTenantsApart() {
    // Exclusive nodes per tenant: stay away from pods of any other tenant.
    LabelSelector anyTenant =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tenant")
            .withOperator("Exists")
            .endMatchExpression()
            .build();
    Pod incoming =
        withAntiAffinity(
            pod("t1-new", Map.of("tenant", "t1")), term(anyTenant, null, List.of("tenant")));
    ScheduleResult r =
        schedule(
            incoming,
            node("a", pod("t2-old", Map.of("tenant", "t2"))),
            node("b", pod("t1-old", Map.of("tenant", "t1"))));
    assertThat(nodeOf(r)).isEqualTo("b");
  }

  @Test
  void existingPodsAntiAffinityUsesTheirOwnLabelValues() {
    // The placed v1 pod only refuses other v1 pods next to it; a v2 pod may join it.
    Pod placed =
        withAntiAffinity(
            pod("web-v1-a", Map.of("app", "web", HASH, "v1")),
            term(app("web"), List.of(HASH), null));
    assertThat(
            nodeOf(schedule(pod("web-v2-a", Map.of("app", "web", HASH, "v2")), node("a", placed))))
        .isEqualTo("a");
    assertThat(schedule(pod("web-v1-b", Map.of("app", "web", HASH, "v1")), node("a", placed)))
        .isInstanceOf(ScheduleResult.Unschedulable.class);
  }

  @Test
  void requiredAffinityWithMatchLabelKeysFollowsTheSameRevision() {
    Pod incoming = pod("cache-v2", Map.of("app", "web", HASH, "v2"));
    incoming
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAffinity()
                .withRequiredDuringSchedulingIgnoredDuringExecution(
                    term(app("web"), List.of(HASH), null))
                .endPodAffinity()
                .build());
    ScheduleResult r =
        schedule(
            incoming,
            node("a", pod("web-v1", Map.of("app", "web", HASH, "v1"))),
            node("b", pod("web-v2", Map.of("app", "web", HASH, "v2"))),
            node("c"));
    assertThat(nodeOf(r)).isEqualTo("b");
  }

  @Test
  void preferredAntiAffinityWithMatchLabelKeysScoresOnlyTheSameRevision() {
    Pod incoming = pod("web-v2-b", Map.of("app", "web", HASH, "v2"));
    incoming
        .getSpec()
        .setAffinity(
            new AffinityBuilder()
                .withNewPodAntiAffinity()
                .withPreferredDuringSchedulingIgnoredDuringExecution(
                    new WeightedPodAffinityTermBuilder()
                        .withWeight(100)
                        .withPodAffinityTerm(term(app("web"), List.of(HASH), null))
                        .build())
                .endPodAntiAffinity()
                .build());
    // a holds two old-revision pods, b one of the new revision: only b is penalised.
    for (int i = 0; i < 5; i++) {
      ScheduleResult r =
          schedule(
              incoming,
              node(
                  "a",
                  pod("web-v1-a", Map.of("app", "web", HASH, "v1")),
                  pod("web-v1-b", Map.of("app", "web", HASH, "v1"))),
              node("b", pod("web-v2-a", Map.of("app", "web", HASH, "v2"))));
      assertThat(nodeOf(r)).isEqualTo("a");
    }
  }
}
