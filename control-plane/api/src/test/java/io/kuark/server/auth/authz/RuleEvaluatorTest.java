package io.kuark.server.auth.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.server.api.http.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEvaluatorTest {

  static final UserInfo BOB = new UserInfo("bob", List.of("system:authenticated"));

  static Attributes req(String verb, String group, String resource, String sub, String name) {
    return new Attributes(BOB, verb, true, "default", group, "v1", resource, sub, name, "");
  }

  static Attributes path(String verb, String path) {
    return Attributes.nonResource(BOB, verb, path);
  }

  @Test
  void verbsGroupsAndResourcesMustAllMatch() {
    PolicyRule rule = PolicyRule.resource(List.of("get", "list"), List.of(""), List.of("pods"));
    assertThat(RuleEvaluator.allows(rule, req("get", "", "pods", "", "p"))).isTrue();
    assertThat(RuleEvaluator.allows(rule, req("list", "", "pods", "", ""))).isTrue();
    assertThat(RuleEvaluator.allows(rule, req("delete", "", "pods", "", "p"))).isFalse();
    assertThat(RuleEvaluator.allows(rule, req("get", "apps", "pods", "", "p"))).isFalse();
    assertThat(RuleEvaluator.allows(rule, req("get", "", "secrets", "", "p"))).isFalse();
  }

  @Test
  void plainResourceDoesNotCoverItsSubresources() {
    PolicyRule pods = PolicyRule.resource(List.of("get"), List.of(""), List.of("pods"));
    assertThat(RuleEvaluator.allows(pods, req("get", "", "pods", "log", "p"))).isFalse();
    PolicyRule log = PolicyRule.resource(List.of("get"), List.of(""), List.of("pods/log"));
    assertThat(RuleEvaluator.allows(log, req("get", "", "pods", "log", "p"))).isTrue();
    assertThat(RuleEvaluator.allows(log, req("get", "", "pods", "", "p"))).isFalse();
    PolicyRule anyStatus = PolicyRule.resource(List.of("get"), List.of("*"), List.of("*/status"));
    assertThat(RuleEvaluator.allows(anyStatus, req("get", "apps", "deployments", "status", "d")))
        .isTrue();
    assertThat(RuleEvaluator.allows(anyStatus, req("get", "apps", "deployments", "", "d")))
        .isFalse();
  }

  @Test
  void wildcardsMatchEverything() {
    PolicyRule all = PolicyRule.resource(List.of("*"), List.of("*"), List.of("*"));
    assertThat(RuleEvaluator.allows(all, req("deletecollection", "apps", "x", "scale", "")))
        .isTrue();
    assertThat(RuleEvaluator.allows(all, path("get", "/healthz"))).isFalse();
  }

  @Test
  void resourceNamesRestrictToNamedObjects() {
    PolicyRule rule =
        new PolicyRule(
            List.of("get", "list"), List.of(""), List.of("configmaps"), List.of("cm1"), List.of());
    assertThat(RuleEvaluator.allows(rule, req("get", "", "configmaps", "", "cm1"))).isTrue();
    assertThat(RuleEvaluator.allows(rule, req("get", "", "configmaps", "", "cm2"))).isFalse();
    // A list names no object, so a name-restricted rule never allows it.
    assertThat(RuleEvaluator.allows(rule, req("list", "", "configmaps", "", ""))).isFalse();
  }

  @Test
  void listOrWatchOfOneNameIsAuthorizedAsThatName() {
    io.kuark.server.api.http.RequestInfo watch =
        new io.kuark.server.api.http.RequestInfo(
            "watch", "", "v1", "default", "configmaps", "", "");
    PolicyRule rule =
        new PolicyRule(
            List.of("watch"), List.of(""), List.of("configmaps"), List.of("cm1"), List.of());
    assertThat(RuleEvaluator.allows(rule, Attributes.resource(BOB, watch, "metadata.name=cm1")))
        .isTrue();
    assertThat(RuleEvaluator.allows(rule, Attributes.resource(BOB, watch, "metadata.name==cm1")))
        .isTrue();
    assertThat(RuleEvaluator.allows(rule, Attributes.resource(BOB, watch, "metadata.name=cm2")))
        .isFalse();
    assertThat(RuleEvaluator.allows(rule, Attributes.resource(BOB, watch, "metadata.name!=cm2")))
        .isFalse();
    assertThat(RuleEvaluator.allows(rule, Attributes.resource(BOB, watch, null))).isFalse();
    assertThat(Attributes.exactName("status.phase=Running, metadata.name=a")).isEqualTo("a");
    assertThat(Attributes.exactName("metadata.name=../x")).isEmpty();
  }

  @Test
  void nonResourceUrlsMatchExactlyOrByStarPrefix() {
    PolicyRule rule = PolicyRule.urls(List.of("get"), List.of("/healthz", "/apis/*"));
    assertThat(RuleEvaluator.allows(rule, path("GET", "/healthz"))).isTrue();
    assertThat(RuleEvaluator.allows(rule, path("GET", "/healthz/etcd"))).isFalse();
    assertThat(RuleEvaluator.allows(rule, path("GET", "/apis/apps/v1"))).isTrue();
    assertThat(RuleEvaluator.allows(rule, path("POST", "/apis/apps"))).isFalse();
    assertThat(RuleEvaluator.allows(rule, req("get", "", "pods", "", ""))).isFalse();
  }
}
