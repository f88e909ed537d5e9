package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The RBAC objects an authorizer reads ({@link RbacCache} in the server, maps in tests). */
public interface RbacData {

  List<Binding> clusterRoleBindings();

  List<Binding> roleBindings(String namespace);

  /** The ClusterRole object, or null. */
  ObjectNode clusterRole(String name);

  /** The Role object, or null. */
  ObjectNode role(String namespace, String name);

  /** The ClusterRole's rules, empty when it does not exist (caches may keep them decoded). */
  default List<PolicyRule> clusterRoleRules(String name) {
    ObjectNode role = clusterRole(name);
    return role == null ? List.of() : PolicyRule.listFromJson(role.path("rules"));
  }

  /** The Role's rules, empty when it does not exist (caches may keep them decoded). */
  default List<PolicyRule> roleRules(String namespace, String name) {
    ObjectNode role = role(namespace, name);
    return role == null ? List.of() : PolicyRule.listFromJson(role.path("rules"));
  }
}
