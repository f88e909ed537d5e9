package io.kuark.server.auth.authz;

import java.util.List;

/** Whether one RBAC rule allows a request, with upstream's matching semantics. */
public final class RuleEvaluator {

  static final String ALL = "*";

  private RuleEvaluator() {}

  public static boolean allows(PolicyRule rule, Attributes a) {
    if (a.resourceRequest()) {
      return verbMatches(rule, a.verb())
          && apiGroupMatches(rule, a.apiGroup())
          && resourceMatches(rule, a.combinedResource(), a.subresource())
          && resourceNameMatches(rule, a.name());
    }
    return verbMatches(rule, a.verb()) && nonResourceUrlMatches(rule, a.path());
  }

  /** Whether any rule allows the request. */
  public static boolean allows(List<PolicyRule> rules, Attributes a) {
    for (PolicyRule r : rules) {
      if (allows(r, a)) {
        return true;
      }
    }
    return false;
  }

  static boolean verbMatches(PolicyRule rule, String verb) {
    return rule.verbs().contains(ALL) || rule.verbs().contains(verb);
  }

  static boolean apiGroupMatches(PolicyRule rule, String group) {
    return rule.apiGroups().contains(ALL) || rule.apiGroups().contains(group);
  }

  /**
   * {@code *} matches everything; {@code pods/log} matches that subresource only; {@code *}/{@code
   * log} matches the log subresource of any resource. A plain {@code pods} does not match {@code
   * pods/log}.
   */
  static boolean resourceMatches(PolicyRule rule, String combined, String subresource) {
    for (String r : rule.resources()) {
      if (r.equals(ALL) || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  /** An empty list allows every name; otherwise the request must name one of them. */
  static boolean resourceNameMatches(PolicyRule rule, String name) {
    return rule.resourceNames().isEmpty() || rule.resourceNames().contains(name);
  }

  /** Exact paths, {@code *}, or a prefix ending in {@code *}. */
  static boolean nonResourceUrlMatches(PolicyRule rule, String path) {
    for (String u : rule.nonResourceURLs()) {
      if (u.equals(ALL) || u.equals(path)) {
        return true;
      }
      if (u.endsWith("*") && path.startsWith(u.substring(0, u.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
