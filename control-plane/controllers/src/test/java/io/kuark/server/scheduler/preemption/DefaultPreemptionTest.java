package io.kuark.server.scheduler.preemption;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.kuark.server.scheduler.DefaultProfile;
import io.kuark.server.scheduler.Fixtures;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DefaultPreemptionTest {
  private final SchedulingFramework framework = DefaultProfile.create(new Random(1));
  private final DefaultPreemption preemption = new DefaultPreemption(framework);

  private static Pod pod(String name, String cpu, int priority, String... labels) {
    Pod p = Fixtures.pod(name, cpu, "10Mi");
    p.getSpec().setPriority(priority);
    p.getSpec().setNodeName("x");
    p.getStatus().setPhase("Running");
    p.getStatus()
        .setConditions(
            List.of(
                new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                    .withType("Ready")
                    .withStatus("True")
                    .build()));
    if (labels.length > 0) {
      p.getMetadata().setLabels(Map.of(labels[0], labels[1]));
    }
    return p;
  }

  /** A pending pod (no node yet). */
  private static Pod incoming(String name, String cpu, int priority) {
    Pod p = Fixtures.pod(name, cpu, "10Mi");
    p.getSpec().setPriority(priority);
    return p;
  }

  private static NodeInfo node(Node n, Pod... running) {
    NodeInfo info = new NodeInfo(n);
    for (Pod p : running) {
      info.addPod(p.getMetadata().getUid(), new PodInfo(p));
    }
    return info;
  }

  private Optional<Candidate> preempt(
      Pod incoming, List<PodDisruptionBudget> pdbs, NodeInfo... nodes) {
    PodInfo info = new PodInfo(incoming);
    ScheduleResult r = framework.schedule(new CycleState(), info, List.of(nodes));
    assertThat(r).isInstanceOf(ScheduleResult.Unschedulable.class);
    Map<String, Status> statuses = ((ScheduleResult.Unschedulable) r).nodeStatuses();
    List<Pod> all = new ArrayList<>();
    for (NodeInfo n : nodes) {
      for (PodInfo p : n.pods()) {
        all.add(p.pod);
      }
    }
    return preemption.findCandidate(
        info, List.of(nodes), statuses, () -> DisruptionAllowance.compute(pdbs, all));
  }

  private static List<String> names(Candidate c) {
    List<String> out = new ArrayList<>();
    for (Pod p : c.victims()) {
      out.add(p.getMetadata().getName());
    }
    return out;
  }

  @Test
  void evictsOnlyAsManyLowPriorityPodsAsNeededLowestPriorityFirst() {
    NodeInfo a =
        node(
            Fixtures.node("a", "4", "4Gi"),
            pod("p10", "1", 10),
            pod("p5", "1", 5),
            pod("p1", "1", 1),
            pod("p100", "1", 100));
    Optional<Candidate> c = preempt(incoming("urgent", "2", 50), List.of(), a);
    assertThat(c).isPresent();
    assertThat(c.get().node()).isEqualTo("a");
    // 2 CPUs are needed: the two least important pods go, p10 and p100 stay.
    assertThat(names(c.get())).containsExactly("p5", "p1");
    assertThat(c.get().pdbViolations()).isZero();
    // The live node is restored afterwards.
    assertThat(a.podCount()).isEqualTo(4);
    assertThat(a.requested().milliCpu).isEqualTo(4000);
  }

  @Test
  void neverPreemptsEqualOrHigherPriorityPods() {
    NodeInfo a = node(Fixtures.node("a", "2", "4Gi"), pod("p50", "1", 50), pod("p60", "1", 60));
    assertThat(preempt(incoming("urgent", "2", 50), List.of(), a)).isEmpty();
  }

  @Test
  void prefersTheNodeWhoseVictimsHaveLowerPriority() {
    NodeInfo a = node(Fixtures.node("a", "2", "4Gi"), pod("a-low", "2", 20));
    NodeInfo b = node(Fixtures.node("b", "2", "4Gi"), pod("b-lower", "2", 10));
    Optional<Candidate> c = preempt(incoming("urgent", "2", 100), List.of(), a, b);
    assertThat(c.get().node()).isEqualTo("b");
    assertThat(names(c.get())).containsExactly("b-lower");
  }

  @Test
  void prefersFewerDisruptionBudgetViolationsOverPriority() {
    NodeInfo a = node(Fixtures.node("a", "2", "4Gi"), pod("guarded", "2", 1, "app", "db"));
    NodeInfo b = node(Fixtures.node("b", "2", "4Gi"), pod("free", "2", 20, "app", "web"));
    PodDisruptionBudget pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withMinAvailable(new IntOrString(1))
            .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "db")).build())
            .endSpec()
            .build();
    Optional<Candidate> c = preempt(incoming("urgent", "2", 100), List.of(pdb), a, b);
    assertThat(c.get().node()).isEqualTo("b");
    assertThat(c.get().pdbViolations()).isZero();

    // With only the guarded node, preemption still happens and counts the violation.
    NodeInfo only = node(Fixtures.node("a", "2", "4Gi"), pod("guarded2", "2", 1, "app", "db"));
    Optional<Candidate> forced = preempt(incoming("urgent", "2", 100), List.of(pdb), only);
    assertThat(forced.get().pdbViolations()).isEqualTo(1);
  }

  @Test
  void unresolvableNodesAreNotCandidates() {
    Node cordoned = Fixtures.node("a", "2", "4Gi");
    cordoned.getSpec().setUnschedulable(true);
    NodeInfo a = node(cordoned, pod("low", "2", 1));
    assertThat(preempt(incoming("urgent", "2", 100), List.of(), a)).isEmpty();
  }

  @Test
  void neverPolicyAndTerminatingVictimsMakeThePodIneligible() {
    Pod never = pod("never", "1", 100);
    never.getSpec().setPreemptionPolicy("Never");
    assertThat(DefaultPreemption.eligible(new PodInfo(never), null)).isFalse();

    Pod terminating = pod("going", "1", 1);
    terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    NodeInfo nominated = node(Fixtures.node("a", "2", "4Gi"), terminating);
    assertThat(DefaultPreemption.eligible(new PodInfo(pod("urgent", "1", 100)), nominated))
        .isFalse();
    assertThat(DefaultPreemption.eligible(new PodInfo(pod("urgent", "1", 100)), null)).isTrue();
  }

  @Test
  void disruptionAllowanceCountsReadyPodsAgainstTheBudget() {
    PodDisruptionBudget pct =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withMaxUnavailable(new IntOrString("50%"))
            .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
            .endSpec()
            .build();
    List<Pod> pods =
        List.of(
            pod("w1", "1", 0, "app", "web"),
            pod("w2", "1", 0, "app", "web"),
            pod("w3", "1", 0, "app", "web"),
            pod("other", "1", 0, "app", "db"));
    // 3 expected, maxUnavailable 50% rounds up to 2 → 1 must stay healthy → 2 allowed.
    assertThat(DisruptionAllowance.compute(List.of(pct), pods).get(0).allowed()).isEqualTo(2);
  }
}
