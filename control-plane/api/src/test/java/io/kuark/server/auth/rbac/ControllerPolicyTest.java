package io.kuark.server.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.auth.authz.PolicyRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each controller's role is bound to its own ServiceAccount in kube-system (upstream's names and
 * shape), may record events, and an upgraded cluster's bindings lose the controller manager user
 * that earlier versions bound to every controller role.
 */
class ControllerPolicyTest {

  @Test
  void everyControllerRoleIsBoundToItsOwnServiceAccount() {
    Map<String, List<String>> bindings = BootstrapPolicy.bindings();
    assertThat(ControllerPolicy.controllerNames())
        .contains("deployment-controller", "replicaset-controller", "generic-garbage-collector");
    for (String name : ControllerPolicy.controllerNames()) {
      assertThat(bindings.get("system:controller:" + name))
          .as(name)
          .containsExactly("ServiceAccount:kube-system/" + name);
      ObjectNode binding =
          BootstrapPolicy.binding(
              "system:controller:" + name, bindings.get("system:controller:" + name));
      assertThat(binding.path("subjects").toString())
          .isEqualTo(
              "[{\"kind\":\"ServiceAccount\",\"name\":\""
                  + name
                  + "\",\"namespace\":\"kube-system\"}]");
      assertThat(binding.path("roleRef").path("name").asText())
          .isEqualTo("system:controller:" + name);
    }
    assertThat(ControllerPolicy.controllerUser("job-controller"))
        .isEqualTo("system:serviceaccount:kube-system:job-controller");
  }

  @Test
  void everyControllerRoleMayWriteEventsButNoRoleGrantsAnotherControllersWork() {
    Map<String, List<PolicyRule>> roles = ControllerPolicy.controllerRoles();
    PolicyRule events =
        PolicyRule.resource(
            List.of("create", "patch", "update"), List.of("", "events.k8s.io"), List.of("events"));
    roles.forEach((name, rules) -> assertThat(rules).as(name).contains(events));
    // The deployment controller writes ReplicaSets, never pods/binding or nodes.
    assertThat(covers(roles.get("deployment-controller"), "create", "apps", "replicasets"))
        .isTrue();
    assertThat(covers(roles.get("deployment-controller"), "create", "", "pods")).isFalse();
    assertThat(covers(roles.get("replicaset-controller"), "create", "", "pods")).isTrue();
    assertThat(covers(roles.get("replicaset-controller"), "create", "apps", "replicasets"))
        .isFalse();
  }

  @Test
  void reconcilingRemovesTheRetiredControllerManagerSubject() throws Exception {
    ObjectNode old =
        (ObjectNode)
            new ObjectMapper()
                .readTree(
                    "{\"metadata\":{\"name\":\"system:controller:job-controller\"},"
                        + "\"subjects\":[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\","
                        + "\"name\":\"system:kube-controller-manager\"},"
                        + "{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"User\",\"name\":\"ops\"}]}");
    List<ObjectNode> retired =
        List.of(BootstrapPolicy.subject("User:system:kube-controller-manager"));
    assertThat(BootstrapPolicy.removeRetired(old, retired)).isTrue();
    ObjectNode wanted =
        BootstrapPolicy.binding(
            "system:controller:job-controller",
            List.of("ServiceAccount:kube-system/job-controller"));
    assertThat(BootstrapPolicy.merge(old, wanted)).isTrue();
    // A subject an administrator added stays; the retired one is gone; the new one is there.
    assertThat(old.path("subjects").toString())
        .doesNotContain("system:kube-controller-manager")
        .contains("\"name\":\"ops\"")
        .contains("\"kind\":\"ServiceAccount\",\"name\":\"job-controller\"");
    assertThat(BootstrapPolicy.removeRetired(old, retired)).isFalse();
    assertThat(ControllerPolicy.retiredSubjects().get("system:controller:job-controller"))
        .containsExactly("User:system:kube-controller-manager");
  }

  private static boolean covers(List<PolicyRule> rules, String verb, String group, String res) {
    for (PolicyRule r : rules) {
      if (r.verbs().contains(verb)
          && (r.apiGroups().contains(group) || r.apiGroups().contains("*"))
          && (r.resources().contains(res) || r.resources().contains("*"))) {
        return true;
      }
    }
    return false;
  }
}
