package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
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
import java.util.Set;
import java.util.function.Function;

/**
 * {@code topologySpreadConstraints}: {@code DoNotSchedule} constraints filter out nodes where
 * placing the pod would make its domain exceed the global minimum by more than {@code maxSkew} (the
 * minimum is 0 while fewer than {@code minDomains} domains exist); {@code ScheduleAnyway}
 * constraints prefer nodes whose domains hold fewer matching pods. Domains are counted over the
 * nodes that pass the pod's node selector and required node affinity and carry every constraint's
 * key, as upstream with the default {@code nodeAffinityPolicy: Honor}, {@code nodeTaintsPolicy:
 * Ignore}. {@code matchLabelKeys} narrow the selector to the pod's values of those labels; pods
 * without constraints get the cluster's system default constraints when built with a default
 * selector.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  static final String KEY = "PodTopologySpread";
  static final String MISSING_LABEL =
      "node(s) didn't match pod topology spread constraints (missing required label)";
  static final String SKEW = "node(s) didn't match pod topology spread constraints";

  private final NodeAffinityPlugin affinity = new NodeAffinityPlugin();

  /** The selector of the default constraints for a pod, or null (no defaults). */
  private final Function<Pod, LabelSelector> defaultSelector;

  private final SpreadDefaults defaults;

  /** One constraint with its effective selector and per-domain counts. */
  record Counted(
      TopologySpreadConstraint constraint,
      LabelSelector selector,
      Map<String, Integer> counts,
      int selfMatch) {}

  /** {@code systemDefaulted}: the constraints are the cluster defaults, not the pod's own. */
  record State(List<Counted> hard, List<Counted> soft, boolean systemDefaulted) {}

  /** Only the pods' own constraints. */
  public PodTopologySpread() {
    this(null);
  }

  /**
   * With upstream's system default constraints for pods that have none: {@code
   * kubernetes.io/hostname} maxSkew 3 and {@code topology.kubernetes.io/zone} maxSkew 5, both
   * ScheduleAnyway, over the pods {@code defaultSelector} selects (those of the pod's Services,
   * ReplicationControllers, ReplicaSet or StatefulSet; null for none, which means no defaults).
   */
  public PodTopologySpread(Function<Pod, LabelSelector> defaultSelector) {
    this(defaultSelector, SpreadDefaults.SYSTEM);
  }

  /**
   * With {@code defaults} (the scheduler configuration's PodTopologySpreadArgs) for pods that have
   * no constraints, over the pods {@code defaultSelector} selects.
   */
  public PodTopologySpread(Function<Pod, LabelSelector> defaultSelector, SpreadDefaults defaults) {
    this.defaultSelector = defaultSelector;
    this.defaults = defaults;
  }

  static List<TopologySpreadConstraint> systemDefaults(LabelSelector selector) {
    return SpreadDefaults.SYSTEM.forSelector(selector);
  }

  /**
   * The constraint's selector with {@code matchLabelKeys} added: each key the pod has becomes a
   * {@code key=value} requirement with the pod's value (keys the pod lacks are ignored), as
   * upstream.
   */
  static LabelSelector effectiveSelector(TopologySpreadConstraint c, Pod pod) {
    List<String> keys = c.getMatchLabelKeys();
    if (keys == null || keys.isEmpty() || c.getLabelSelector() == null) {
      return c.getLabelSelector();
    }
    Map<String, String> podLabels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    if (c.getLabelSelector().getMatchExpressions() != null) {
      exprs.addAll(c.getLabelSelector().getMatchExpressions());
    }
    for (String key : keys) {
      String value = podLabels.get(key);
      if (value != null) {
        exprs.add(
            new io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder()
                .withKey(key)
                .withOperator("In")
                .withValues(value)
                .build());
      }
    }
    return new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
        .withMatchExpressions(exprs)
        .withMatchLabels(c.getLabelSelector().getMatchLabels())
        .build();
  }

  @Override
  public String name() {
    return KEY;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod) {
    List<TopologySpreadConstraint> all = pod.pod.getSpec().getTopologySpreadConstraints();
    boolean systemDefaulted = false;
    if ((all == null || all.isEmpty())
        && defaultSelector != null
        && !defaults.constraints().isEmpty()) {
      LabelSelector selector = defaultSelector.apply(pod.pod);
      if (selector != null) {
        all = defaults.forSelector(selector);
        // Listed defaults behave like the pod's own constraints (nodes need every key).
        systemDefaulted = defaults.system();
      }
    }
    if (all == null || all.isEmpty()) {
      return Status.success();
    }
    List<NodeInfo> eligible = new ArrayList<>();
    for (NodeInfo n : state.allNodes()) {
      if (!affinity.filter(state, pod, n).isSuccess()) {
        continue;
      }
      if (systemDefaulted) {
        // Upstream does not require every default key on a node (zones are often absent).
        eligible.add(n);
        continue;
      }
      boolean hasAllKeys = true;
      for (TopologySpreadConstraint c : all) {
        if (TopologyDomains.value(n.node(), c.getTopologyKey()) == null) {
          hasAllKeys = false;
          break;
        }
      }
      if (hasAllKeys) {
        eligible.add(n);
      }
    }
    Set<String> ns = Set.of(pod.pod.getMetadata().getNamespace());
    List<Counted> hard = new ArrayList<>();
    List<Counted> soft = new ArrayList<>();
    for (TopologySpreadConstraint c : all) {
      LabelSelector selector = effectiveSelector(c, pod.pod);
      int self = Selectors.matches(selector, pod.pod.getMetadata().getLabels()) ? 1 : 0;
      Counted counted =
          new Counted(
              c, selector, TopologyDomains.count(eligible, c.getTopologyKey(), ns, selector), self);
      if ("ScheduleAnyway".equals(c.getWhenUnsatisfiable())) {
        soft.add(counted);
      } else {
        hard.add(counted);
      }
    }
    state.write(KEY, new State(hard, soft, systemDefaulted));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(KEY, State.class);
    if (s == null) {
      return Status.success();
    }
    for (Counted c : s.hard()) {
      String domain = TopologyDomains.value(node.node(), c.constraint().getTopologyKey());
      if (domain == null) {
        return Status.unresolvable(name(), MISSING_LABEL);
      }
      int min = Integer.MAX_VALUE;
      for (int v : c.counts().values()) {
        min = Math.min(min, v);
      }
      Integer minDomains = c.constraint().getMinDomains();
      if (min == Integer.MAX_VALUE || (minDomains != null && c.counts().size() < minDomains)) {
        min = 0;
      }
      int here = c.counts().getOrDefault(domain, 0);
      int maxSkew = c.constraint().getMaxSkew() == null ? 1 : c.constraint().getMaxSkew();
      if (here + c.selfMatch() - min > maxSkew) {
        return Status.unschedulable(name(), SKEW);
      }
    }
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(KEY, State.class);
    if (s == null || s.soft().isEmpty()) {
      return 0;
    }
    double total = 0;
    for (Counted c : s.soft()) {
      String domain = TopologyDomains.value(node.node(), c.constraint().getTopologyKey());
      if (domain == null) {
        if (s.systemDefaulted()) {
          continue; // defaults only count the keys a node has
        }
        return -1; // marks "lacks a key": scored 0 after normalising, as upstream
      }
      // Upstream weighs each constraint by log(#domains + 2) so wide topologies count more.
      double weight = Math.log(c.counts().size() + 2);
      total += (c.counts().getOrDefault(domain, 0) + c.selfMatch()) * weight;
    }
    return Math.round(total * 1000);
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, long[] scores) {
    State s = state.read(KEY, State.class);
    if (s == null || s.soft().isEmpty()) {
      return;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long v : scores) {
      if (v >= 0) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] < 0) {
        scores[i] = 0;
      } else if (max == 0) {
        scores[i] = MAX_SCORE;
      } else {
        // Fewer matching pods in the domain is better.
        scores[i] = MAX_SCORE * (max + min - scores[i]) / max;
      }
    }
  }

  @Override
  public int weight() {
    return 2;
  }
}
