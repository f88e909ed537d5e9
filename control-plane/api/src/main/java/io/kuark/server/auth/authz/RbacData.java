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
}
