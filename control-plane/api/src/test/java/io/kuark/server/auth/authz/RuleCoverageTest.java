package io.kuark.server.auth.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleCoverageTest {

  static PolicyRule r(List<String> verbs, String group, List<String> resources) {
    return PolicyRule.resource(verbs, List.of(group), resources);
  }

  @Test
  void heldRulesCoverSubsets() {
    List<PolicyRule> owner =
        List.of(r(List.of("get", "list", "watch"), "", List.of("pods", "services")));
    assertThat(RuleCoverage.uncovered(owner, List.of(r(List.of("get"), "", List.of("pods")))))
        .isEmpty();
    assertThat(
            RuleCoverage.uncovered(
                owner, List.of(r(List.of("get", "delete"), "", List.of("pods")))))
        .containsExactly(r(List.of("delete"), "", List.of("pods")));
  }

  @Test
  void subresourceAndNameWildcards() {
    List<PolicyRule> owner =
        List.of(
            r(List.of("get"), "", List.of("pods/*")),
            new PolicyRule(
                List.of("get"), List.of(""), List.of("configmaps"), List.of("a"), List.of()));
    assertThat(RuleCoverage.uncovered(owner, List.of(r(List.of("get"), "", List.of("pods/log")))))
        .isEmpty();
    assertThat(RuleCoverage.uncovered(owner, List.of(r(List.of("get"), "", List.of("pods")))))
        .hasSize(1);
    assertThat(
            RuleCoverage.uncovered(
                owner,
                List.of(
                    new PolicyRule(
                        List.of("get"),
                        List.of(""),
                        List.of("configmaps"),
                        List.of("a"),
                        List.of()))))
        .isEmpty();
    // Every configmap is more than the one named.
    assertThat(RuleCoverage.uncovered(owner, List.of(r(List.of("get"), "", List.of("configmaps")))))
        .hasSize(1);
  }

  @Test
  void starCoversEverythingIncludingUrls() {
    List<PolicyRule> owner =
        List.of(
            PolicyRule.resource(List.of("*"), List.of("*"), List.of("*")),
            PolicyRule.urls(List.of("*"), List.of("*")));
    assertThat(
            RuleCoverage.uncovered(
                owner,
                List.of(
                    r(List.of("escalate"), "rbac.authorization.k8s.io", List.of("roles")),
                    PolicyRule.urls(List.of("get"), List.of("/metrics")))))
        .isEmpty();
    assertThat(
            RuleCoverage.uncovered(
                List.of(PolicyRule.urls(List.of("get"), List.of("/apis/*"))),
                List.of(PolicyRule.urls(List.of("get"), List.of("/apis/apps", "/metrics")))))
        .containsExactly(PolicyRule.urls(List.of("get"), List.of("/metrics")));
  }
}
