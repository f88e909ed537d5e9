package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kuark.server.controller.runtime.Selectors;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.PreFilterPlugin;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pod affinity and anti-affinity between pods. Required terms filter: every affinity term needs a
 * matching pod in the node's topology domain (unless no pod matches anywhere and the pod matches
 * its own term — the first of a group), no anti-affinity term may have one, and no existing pod's
 * required anti-affinity may match the incoming pod in that domain. Preferred terms score the sum
 * of weights of matching pods in the domain (anti-affinity subtracting). Term namespaces default to
 * the pod's; listed {@code namespaces} and those whose labels match {@code namespaceSelector} are
 * added ({@code {}} means all namespaces). A term's {@code matchLabelKeys}/{@code
 * mismatchLabelKeys} add {@code key In/NotIn (value)} with the values of the pod that owns the term
 * ({@link AffinityTerms}).
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  static final String KEY = "InterPodAffinity";

  /** A placed pod with required anti-affinity (terms resolved), and the node it is on. */
  record Placed(NodeInfo node, Pod pod, List<PodAffinityTerm> antiAffinity) {}

  /**
   * Gathered once per cycle: the incoming pod's required terms and the placed pods with required
   * anti-affinity (most pods have none), every term with its label keys resolved.
   */
  record State(
      List<PodAffinityTerm> affinity,
      List<PodAffinityTerm> antiAffinity,
      List<Placed> withAntiAffinity) {}

  static final String AFFINITY = "node(s) didn't match pod affinity rules";
  static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  static final String EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules";

  /** Labels of a namespace by name, or null when it is unknown. */
  private final Function<String, Map<String, String>> namespaceLabels;

  /** Without namespace labels: a non-empty {@code namespaceSelector} selects no namespace. */
  public InterPodAffinity() {
    this(ns -> null);
  }

  /**
   * @param namespaceLabels labels of a namespace by name (the scheduler's Namespace informer)
   */
  public InterPodAffinity(Function<String, Map<String, String>> namespaceLabels) {
    this.namespaceLabels = namespaceLabels;
  }

  @Override
  public String name() {
    return "InterPodAffinity";
  }

  private static List<PodAffinityTerm> required(Pod pod, boolean anti) {
    Affinity a = pod.getSpec().getAffinity();
    if (a == null) {
      return List.of();
    }
    List<PodAffinityTerm> terms =
        anti
            ? a.getPodAntiAffinity() == null
                ? null
                : a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            : a.getPodAffinity() == null
                ? null
                : a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    return terms == null
        ? List.of()
        : AffinityTerms.resolveAll(terms, pod.getMetadata().getLabels());
  }

  private static List<WeightedPodAffinityTerm> preferred(Pod pod, boolean anti) {
    Affinity a = pod.getSpec().getAffinity();
    if (a == null) {
      return List.of();
    }
    List<WeightedPodAffinityTerm> terms =
        anti
            ? a.getPodAntiAffinity() == null
                ? null
                : a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()
            : a.getPodAffinity() == null
                ? null
                : a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    return terms == null ? List.of() : terms;
  }

  /**
   * Whether a term of {@code owner} covers namespace {@code ns}: the listed {@code namespaces} plus
   * those whose labels match {@code namespaceSelector} ({@code {}} selects all); with neither, the
   * owner's own namespace (upstream's getNamespacesFromPodAffinityTerm).
   */
  private boolean covers(PodAffinityTerm term, Pod owner, String ns) {
    List<String> listed = term.getNamespaces();
    boolean hasList = listed != null && !listed.isEmpty();
    LabelSelector selector = term.getNamespaceSelector();
    if (!hasList && selector == null) {
      return ns.equals(owner.getMetadata().getNamespace());
    }
    if (hasList && listed.contains(ns)) {
      return true;
    }
    if (selector == null) {
      return false;
    }
    Map<String, String> labels = namespaceLabels.apply(ns);
    return labels != null && Selectors.matches(selector, labels);
  }

  private boolean termMatches(PodAffinityTerm term, Pod owner, Pod candidate) {
    return candidate.getMetadata().getDeletionTimestamp() == null
        && covers(term, owner, candidate.getMetadata().getNamespace())
        && Selectors.matches(term.getLabelSelector(), candidate.getMetadata().getLabels());
  }

  /** True when some pod in {@code node}'s domain of {@code key} satisfies {@code term}. */
  private boolean anyInDomain(CycleState state, NodeInfo node, PodAffinityTerm term, Pod owner) {
    String domain = TopologyDomains.value(node.node(), term.getTopologyKey());
    if (domain == null) {
      return false;
    }
    for (NodeInfo n : state.allNodes()) {
      if (!domain.equals(TopologyDomains.value(n.node(), term.getTopologyKey()))) {
        continue;
      }
      for (PodInfo p : n.pods()) {
        if (termMatches(term, owner, p.pod)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean anyAnywhere(CycleState state, PodAffinityTerm term, Pod owner) {
    for (NodeInfo n : state.allNodes()) {
      for (PodInfo p : n.pods()) {
        if (termMatches(term, owner, p.pod)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod) {
    state.write(KEY, gather(state, pod));
    return Status.success();
  }

  private static State gather(CycleState state, PodInfo pod) {
    List<Placed> anti = new ArrayList<>();
    for (NodeInfo n : state.allNodes()) {
      for (PodInfo p : n.pods()) {
        List<PodAffinityTerm> terms = required(p.pod, true);
        if (!terms.isEmpty()) {
          anti.add(new Placed(n, p.pod, terms));
        }
      }
    }
    return new State(required(pod.pod, false), required(pod.pod, true), anti);
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    Pod incoming = pod.pod;
    State s = state.read(KEY, State.class);
    if (s == null) {
      s = gather(state, pod);
    }
    for (PodAffinityTerm term : s.affinity()) {
      if (!anyInDomain(state, node, term, incoming)) {
        boolean firstOfGroup =
            !anyAnywhere(state, term, incoming)
                && termMatches(term, incoming, incoming)
                && TopologyDomains.value(node.node(), term.getTopologyKey()) != null;
        if (!firstOfGroup) {
          return Status.unresolvable(name(), AFFINITY);
        }
      }
    }
    for (PodAffinityTerm term : s.antiAffinity()) {
      if (anyInDomain(state, node, term, incoming)) {
        return Status.unschedulable(name(), ANTI_AFFINITY);
      }
    }
    // Symmetry: pods already placed may refuse the incoming pod next to them.
    for (Placed p : s.withAntiAffinity()) {
      for (PodAffinityTerm term : p.antiAffinity()) {
        String theirs = TopologyDomains.value(p.node().node(), term.getTopologyKey());
        if (theirs != null
            && theirs.equals(TopologyDomains.value(node.node(), term.getTopologyKey()))
            && termMatches(term, p.pod(), incoming)) {
          return Status.unschedulable(name(), EXISTING_ANTI);
        }
      }
    }
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    long sum = 0;
    for (boolean anti : new boolean[] {false, true}) {
      for (WeightedPodAffinityTerm w : preferred(pod.pod, anti)) {
        if (w.getPodAffinityTerm() == null || w.getWeight() == null) {
          continue;
        }
        PodAffinityTerm term =
            AffinityTerms.resolve(w.getPodAffinityTerm(), pod.pod.getMetadata().getLabels());
        long matches = countInDomain(state, node, term, pod.pod);
        sum += (anti ? -1 : 1) * matches * w.getWeight();
      }
    }
    return sum;
  }

  private long countInDomain(CycleState state, NodeInfo node, PodAffinityTerm term, Pod owner) {
    String domain = TopologyDomains.value(node.node(), term.getTopologyKey());
    if (domain == null) {
      return 0;
    }
    long c = 0;
    for (NodeInfo n : state.allNodes()) {
      if (domain.equals(TopologyDomains.value(n.node(), term.getTopologyKey()))) {
        for (PodInfo p : n.pods()) {
          if (termMatches(term, owner, p.pod)) {
            c++;
          }
        }
      }
    }
    return c;
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, long[] scores) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long s : scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] = max == min ? 0 : (scores[i] - min) * MAX_SCORE / (max - min);
    }
  }

  @Override
  public int weight() {
    return 2;
  }
}
