package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves a pod affinity term's {@code matchLabelKeys} and {@code mismatchLabelKeys} against the
 * labels of the pod that owns the term (upstream MatchLabelKeysInPodAffinity): each key the owner
 * carries becomes {@code key In (value)}, respectively {@code key NotIn (value)}, of the term's
 * {@code labelSelector}; keys the owner lacks are ignored. A term without a {@code labelSelector}
 * selects no pod, with or without keys (the API refuses keys without a selector).
 */
final class AffinityTerms {
  private AffinityTerms() {}

  /**
   * The term with its label keys folded into the selector, or {@code term} itself when it has none
   * to fold. The result has no keys left, so resolving it again changes nothing.
   */
  static PodAffinityTerm resolve(PodAffinityTerm term, Map<String, String> ownerLabels) {
    List<String> match = term.getMatchLabelKeys();
    List<String> mismatch = term.getMismatchLabelKeys();
    boolean hasMatch = match != null && !match.isEmpty();
    boolean hasMismatch = mismatch != null && !mismatch.isEmpty();
    if ((!hasMatch && !hasMismatch) || term.getLabelSelector() == null) {
      return term;
    }
    Map<String, String> labels = ownerLabels == null ? Map.of() : ownerLabels;
    LabelSelector original = term.getLabelSelector();
    List<LabelSelectorRequirement> expressions =
        original.getMatchExpressions() == null
            ? new ArrayList<>()
            : new ArrayList<>(original.getMatchExpressions());
    if (hasMatch) {
      addRequirements(expressions, match, "In", labels);
    }
    if (hasMismatch) {
      addRequirements(expressions, mismatch, "NotIn", labels);
    }
    LabelSelector selector = new LabelSelector(expressions, original.getMatchLabels());
    return new PodAffinityTerm(
        selector,
        List.of(),
        List.of(),
        term.getNamespaceSelector(),
        term.getNamespaces(),
        term.getTopologyKey());
  }

  private static void addRequirements(
      List<LabelSelectorRequirement> into,
      List<String> keys,
      String operator,
      Map<String, String> labels) {
    for (String key : keys) {
      String value = labels.get(key);
      if (value != null) {
        into.add(new LabelSelectorRequirement(key, operator, List.of(value)));
      }
    }
  }

  /** Every term of {@code terms} resolved against {@code ownerLabels}. */
  static List<PodAffinityTerm> resolveAll(
      List<PodAffinityTerm> terms, Map<String, String> ownerLabels) {
    if (terms.isEmpty()) {
      return terms;
    }
    List<PodAffinityTerm> out = new ArrayList<>(terms.size());
    for (PodAffinityTerm t : terms) {
      out.add(resolve(t, ownerLabels));
    }
    return out;
  }
}
