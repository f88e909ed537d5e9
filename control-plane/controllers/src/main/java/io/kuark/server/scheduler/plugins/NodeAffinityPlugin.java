package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.framework.Status;
import java.util.List;
import java.util.Map;

/**
 * {@code spec.nodeSelector} and required node affinity as a filter (both must hold); preferred node
 * affinity as a score (sum of matching term weights, normalised to 0..100).
 */
public final class NodeAffinityPlugin implements FilterPlugin, ScorePlugin {
  static final String REASON = "node(s) didn't match Pod's node affinity/selector";

  @Override
  public String name() {
    return "NodeAffinity";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    Map<String, String> labels = labels(node.node());
    Map<String, String> selector = pod.pod.getSpec().getNodeSelector();
    if (selector != null) {
      for (Map.Entry<String, String> e : selector.entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return Status.unresolvable(name(), REASON);
        }
      }
    }
    NodeAffinity affinity = nodeAffinity(pod);
    if (affinity != null && affinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      NodeSelector required = affinity.getRequiredDuringSchedulingIgnoredDuringExecution();
      if (!matchesAnyTerm(required.getNodeSelectorTerms(), node.node())) {
        return Status.unresolvable(name(), REASON);
      }
    }
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    NodeAffinity affinity = nodeAffinity(pod);
    if (affinity == null || affinity.getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      return 0;
    }
    long sum = 0;
    for (PreferredSchedulingTerm t :
        affinity.getPreferredDuringSchedulingIgnoredDuringExecution()) {
      if (t.getWeight() != null
          && t.getWeight() != 0
          && t.getPreference() != null
          && matchesTerm(t.getPreference(), node.node())) {
        sum += t.getWeight();
      }
    }
    return sum;
  }

  @Override
  public void normalize(CycleState state, PodInfo pod, long[] scores) {
    long max = 0;
    for (long s : scores) {
      max = Math.max(max, s);
    }
    if (max == 0) {
      return;
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] = scores[i] * MAX_SCORE / max;
    }
  }

  @Override
  public int weight() {
    return 2;
  }

  private static NodeAffinity nodeAffinity(PodInfo pod) {
    return pod.pod.getSpec().getAffinity() == null
        ? null
        : pod.pod.getSpec().getAffinity().getNodeAffinity();
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /** Terms are ORed; an empty list matches nothing. */
  static boolean matchesAnyTerm(List<NodeSelectorTerm> terms, Node node) {
    if (terms == null) {
      return false;
    }
    for (NodeSelectorTerm term : terms) {
      if (matchesTerm(term, node)) {
        return true;
      }
    }
    return false;
  }

  /** Requirements within a term are ANDed; a term with no requirements matches nothing. */
  static boolean matchesTerm(NodeSelectorTerm term, Node node) {
    boolean hasExpr = term.getMatchExpressions() != null && !term.getMatchExpressions().isEmpty();
    boolean hasFields = term.getMatchFields() != null && !term.getMatchFields().isEmpty();
    if (!hasExpr && !hasFields) {
      return false;
    }
    Map<String, String> labels = labels(node);
    if (hasExpr) {
      for (NodeSelectorRequirement r : term.getMatchExpressions()) {
        if (!matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
          return false;
        }
      }
    }
    if (hasFields) {
      for (NodeSelectorRequirement r : term.getMatchFields()) {
        if (!"metadata.name".equals(r.getKey())
            || !matches(r, node.getMetadata().getName(), true)) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    switch (r.getOperator()) {
      case "In":
        return present && values.contains(value);
      case "NotIn":
        return !present || !values.contains(value);
      case "Exists":
        return present;
      case "DoesNotExist":
        return !present;
      case "Gt":
      case "Lt":
        if (!present || values.size() != 1) {
          return false;
        }
        try {
          long have = Long.parseLong(value);
          long want = Long.parseLong(values.get(0));
          return "Gt".equals(r.getOperator()) ? have > want : have < want;
        } catch (NumberFormatException e) {
          return false;
        }
      default:
        return false;
    }
  }
}
