package io.kuark.server.auth.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.ServiceAccountUsers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbacAuthorizerTest {

  static final ObjectMapper M = new ObjectMapper();

  /** RBAC objects in maps. */
  static final class Data implements RbacData {
    final List<Binding> clusterBindings = new ArrayList<>();
    final List<Binding> bindings = new ArrayList<>();
    final Map<String, ObjectNode> clusterRoles = new HashMap<>();
    final Map<String, ObjectNode> roles = new HashMap<>();

    @Override
    public List<Binding> clusterRoleBindings() {
      return clusterBindings;
    }

    @Override
    public List<Binding> roleBindings(String namespace) {
      return bindings.stream().filter(b -> b.namespace().equals(namespace)).toList();
    }

    @Override
    public ObjectNode clusterRole(String name) {
      return clusterRoles.get(name);
    }

    @Override
    public ObjectNode role(String namespace, String name) {
      return roles.get(namespace + "/" + name);
    }
  }

  static ObjectNode role(String rulesJson) throws Exception {
    ObjectNode o = M.createObjectNode();
    o.set("rules", M.readTree(rulesJson));
    return o;
  }

  static UserInfo sa(String ns, String name) {
    return new UserInfo(
        ServiceAccountUsers.userName(ns, name),
        List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"));
  }

  static Attributes a(UserInfo u, String verb, String ns, String resource) {
    return new Attributes(u, verb, true, ns, "", "v1", resource, "", "", "");
  }

  @Test
  void roleBindingGrantsOnlyInItsNamespace() throws Exception {
    Data d = new Data();
    d.roles.put(
        "ns1/reader",
        role("[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]"));
    d.bindings.add(
        new Binding(
            "ns1",
            "rb",
            "Role",
            "reader",
            List.of(new Binding.Subject("ServiceAccount", "robot", ""))));
    RbacAuthorizer rbac = new RbacAuthorizer(d);
    UserInfo robot = sa("ns1", "robot");
    assertThat(rbac.authorize(a(robot, "list", "ns1", "pods")).allowed()).isTrue();
    assertThat(rbac.authorize(a(robot, "list", "ns2", "pods")).allowed()).isFalse();
    assertThat(rbac.authorize(a(robot, "list", "", "pods")).allowed()).isFalse();
    assertThat(rbac.authorize(a(robot, "delete", "ns1", "pods")).allowed()).isFalse();
    // The same name in another namespace is another service account.
    assertThat(rbac.authorize(a(sa("ns2", "robot"), "list", "ns1", "pods")).allowed()).isFalse();
  }

  @Test
  void clusterRoleBindingAppliesEverywhereAndGroupsMatch() throws Exception {
    Data d = new Data();
    d.clusterRoles.put(
        "view-pods",
        role("[{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]"));
    d.clusterBindings.add(
        new Binding(
            "",
            "crb",
            "ClusterRole",
            "view-pods",
            List.of(new Binding.Subject("Group", "devs", ""))));
    RbacAuthorizer rbac = new RbacAuthorizer(d);
    UserInfo dev = new UserInfo("alice", List.of("devs", "system:authenticated"));
    UserInfo other = new UserInfo("carol", List.of("system:authenticated"));
    assertThat(rbac.authorize(a(dev, "list", "any", "pods")).allowed()).isTrue();
    assertThat(rbac.authorize(a(dev, "list", "", "pods")).allowed()).isTrue();
    assertThat(rbac.authorize(a(other, "list", "any", "pods")).allowed()).isFalse();
  }

  @Test
  void missingRoleGrantsNothingAndMastersBypass() {
    Data d = new Data();
    d.bindings.add(
        new Binding(
            "ns1", "rb", "ClusterRole", "gone", List.of(new Binding.Subject("User", "bob", ""))));
    RbacAuthorizer rbac = new RbacAuthorizer(d);
    UserInfo bob = new UserInfo("bob", List.of("system:authenticated"));
    assertThat(rbac.authorize(a(bob, "get", "ns1", "pods")).allowed()).isFalse();
    UserInfo admin = new UserInfo("admin", List.of("system:masters", "system:authenticated"));
    assertThat(rbac.authorize(a(admin, "delete", "ns1", "nodes")).allowed()).isTrue();
  }

  @Test
  void forbiddenMessagesAreUpstreams() {
    UserInfo bob = new UserInfo("bob", List.of());
    assertThat(Forbidden.message(a(bob, "list", "default", "pods")))
        .isEqualTo(
            "User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    Attributes log =
        new Attributes(bob, "get", true, "", "apps", "v1", "deployments", "scale", "d", "");
    assertThat(Forbidden.message(log))
        .isEqualTo(
            "User \"bob\" cannot get resource \"deployments/scale\" in API group \"apps\" at the cluster scope");
    assertThat(Forbidden.of(log, "").status().path("message").asText())
        .isEqualTo(
            "deployments.apps \"d\" is forbidden: User \"bob\" cannot get resource"
                + " \"deployments/scale\" in API group \"apps\" at the cluster scope");
    assertThat(Forbidden.of(log, "").status().path("details").path("kind").asText())
        .isEqualTo("deployments");
    assertThat(Forbidden.message(Attributes.nonResource(bob, "GET", "/metrics")))
        .isEqualTo("User \"bob\" cannot get path \"/metrics\"");
  }
}
