package io.kuark.server.auth.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code validation.Covers}: whether a set of rules grants at least every permission of
 * other rules. Used for escalation prevention: one may only grant what one holds.
 */
public final class RuleCoverage {

  private RuleCoverage() {}

  /** The requested rules' atomic permissions that {@code owner} does not cover (empty if none). */
  public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> requested) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule r : requested) {
      for (PolicyRule atom : breakdown(r)) {
        if (!coveredByAny(owner, atom)) {
          missing.add(atom);
        }
      }
    }
    return missing;
  }

  /** One verb on one group/resource/name, or one verb on one URL, per rule. */
  static List<PolicyRule> breakdown(PolicyRule rule) {
    List<PolicyRule> out = new ArrayList<>();
    for (String verb : rule.verbs()) {
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          if (rule.resourceNames().isEmpty()) {
            out.add(
                new PolicyRule(
                    List.of(verb), List.of(group), List.of(resource), List.of(), List.of()));
          } else {
            for (String name : rule.resourceNames()) {
              out.add(
                  new PolicyRule(
                      List.of(verb), List.of(group), List.of(resource), List.of(name), List.of()));
            }
          }
        }
      }
      for (String url : rule.nonResourceURLs()) {
        out.add(PolicyRule.urls(List.of(verb), List.of(url)));
      }
    }
    return out;
  }

  private static boolean coveredByAny(List<PolicyRule> owner, PolicyRule atom) {
    for (PolicyRule o : owner) {
      if (covers(o, atom)) {
        return true;
      }
    }
    return false;
  }

  static boolean covers(PolicyRule owner, PolicyRule atom) {
    if (!has(owner.verbs(), atom.verbs().get(0))) {
      return false;
    }
    if (!atom.nonResourceURLs().isEmpty()) {
      String url = atom.nonResourceURLs().get(0);
      for (String o : owner.nonResourceURLs()) {
        if (o.equals("*")
            || o.equals(url)
            || (o.endsWith("*") && url.startsWith(o.substring(0, o.length() - 1)))) {
          return true;
        }
      }
      return false;
    }
    if (!has(owner.apiGroups(), atom.apiGroups().get(0))) {
      return false;
    }
    String resource = atom.resources().get(0);
    if (!has(owner.resources(), resource)) {
      int slash = resource.indexOf('/');
      if (slash < 0
          || !(owner.resources().contains("*" + resource.substring(slash))
              || owner.resources().contains(resource.substring(0, slash) + "/*"))) {
        return false;
      }
    }
    if (owner.resourceNames().isEmpty()) {
      return true;
    }
    return !atom.resourceNames().isEmpty()
        && owner.resourceNames().contains(atom.resourceNames().get(0));
  }

  private static boolean has(List<String> values, String wanted) {
    return values.contains("*") || values.contains(wanted);
  }
}
