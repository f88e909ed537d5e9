package io.kuark.server.auth.node;

import io.kuark.server.auth.authz.Attributes;
import io.kuark.server.auth.authz.Authorizer;
import java.util.Set;

/**
 * Upstream's Node authorizer: what node credentials ({@code system:node:<name>}, {@code
 * system:nodes}) may do. Secrets, ConfigMaps, PersistentVolumeClaims and PersistentVolumes only
 * when a pod bound to the node uses them ({@link NodeGraph}); tokens only for service accounts of
 * such pods; pod status, pod deletion and eviction only for its own pods; writes to Nodes and node
 * Leases only to its own (creates are checked by {@code NodeRestriction} admission, which sees the
 * object). Besides that the rules the kubelet needs: read pods, nodes, services, endpoints,
 * EndpointSlices, runtime classes, CSI drivers; write events; create token reviews, access reviews
 * and CertificateSigningRequests. Kuark's agent also runs the service proxy, the ServiceLB status
 * writer and node-local cluster DNS, so nodes may also update {@code services/status} and read
 * namespaces. Every other request gets no opinion (RBAC decides; the default policy binds nothing
 * to {@code system:nodes}).
 */
public final class NodeAuthorizer implements Authorizer {

  private static final Set<String> READ = Set.of("get", "list", "watch");
  private static final Set<String> EVENT_WRITE = Set.of("create", "patch", "update");
  private static final String LEASE_NAMESPACE = "kube-node-lease";

  private final NodeGraph graph;

  public NodeAuthorizer(NodeGraph graph) {
    this.graph = graph;
  }

  @Override
  public Decision authorize(Attributes a) {
    String node = NodeIdentity.nodeName(a.user());
    if (node.isEmpty() || !a.resourceRequest()) {
      return Decision.NO_OPINION;
    }
    boolean ok =
        switch (a.apiGroup()) {
          case "" -> core(node, a);
          case "coordination.k8s.io" -> lease(node, a);
          case "events.k8s.io" -> a.resource().equals("events") && EVENT_WRITE.contains(a.verb());
          case "discovery.k8s.io" -> a.resource().equals("endpointslices") && read(a);
          case "authentication.k8s.io" -> is(a, "tokenreviews", "create");
          case "authorization.k8s.io" ->
              a.verb().equals("create")
                  && a.subresource().isEmpty()
                  && (a.resource().equals("subjectaccessreviews")
                      || a.resource().equals("localsubjectaccessreviews"));
          case "certificates.k8s.io" -> certificates(a);
          case "storage.k8s.io" -> storage(node, a);
          case "node.k8s.io" -> a.resource().equals("runtimeclasses") && read(a);
          default -> false;
        };
    return ok ? Decision.ALLOW : Decision.NO_OPINION;
  }

  private boolean core(String node, Attributes a) {
    String sub = a.subresource();
    switch (a.resource()) {
      case "secrets":
        return sub.isEmpty() && namedRead(a) && graph.usesSecret(node, a.namespace(), a.name());
      case "configmaps":
        return sub.isEmpty() && namedRead(a) && graph.usesConfigMap(node, a.namespace(), a.name());
      case "persistentvolumeclaims":
        if (sub.equals("status")) {
          return Set.of("get", "patch", "update").contains(a.verb())
              && graph.usesClaim(node, a.namespace(), a.name());
        }
        return sub.isEmpty() && namedRead(a) && graph.usesClaim(node, a.namespace(), a.name());
      case "persistentvolumes":
        return sub.isEmpty() && namedRead(a) && graph.usesVolume(node, a.name());
      case "serviceaccounts":
        return sub.equals("token")
            && a.verb().equals("create")
            && graph.usesServiceAccount(node, a.namespace(), a.name());
      case "pods":
        return pods(node, a);
      case "nodes":
        if (sub.equals("status")) {
          return Set.of("get", "patch", "update").contains(a.verb()) && a.name().equals(node);
        }
        if (!sub.isEmpty()) {
          return false;
        }
        if (read(a) || a.verb().equals("create")) {
          return true;
        }
        return Set.of("update", "patch", "delete").contains(a.verb()) && a.name().equals(node);
      case "events":
        return sub.isEmpty() && EVENT_WRITE.contains(a.verb());
      case "services":
        if (sub.equals("status")) {
          return a.verb().equals("patch") || a.verb().equals("update") || a.verb().equals("get");
        }
        return sub.isEmpty() && read(a);
      case "endpoints":
      case "namespaces":
        return sub.isEmpty() && read(a);
      default:
        return false;
    }
  }

  private boolean pods(String node, Attributes a) {
    switch (a.subresource()) {
      case "":
        if (read(a) || a.verb().equals("create")) {
          return true;
        }
        return a.verb().equals("delete") && graph.podOnNode(node, a.namespace(), a.name());
      case "status":
        return Set.of("get", "patch", "update").contains(a.verb())
            && graph.podOnNode(node, a.namespace(), a.name());
      case "eviction":
        return a.verb().equals("create") && graph.podOnNode(node, a.namespace(), a.name());
      default:
        return false;
    }
  }

  private static boolean lease(String node, Attributes a) {
    if (!a.resource().equals("leases")
        || !a.subresource().isEmpty()
        || !a.namespace().equals(LEASE_NAMESPACE)) {
      return false;
    }
    if (a.verb().equals("create")) {
      return true;
    }
    return Set.of("get", "update", "patch", "delete", "list", "watch").contains(a.verb())
        && a.name().equals(node);
  }

  private static boolean certificates(Attributes a) {
    if (!a.resource().equals("certificatesigningrequests")) {
      return false;
    }
    if (a.subresource().isEmpty()) {
      return a.verb().equals("create") || read(a);
    }
    // Renewing its own client certificate is auto-approved (upstream binds selfnodeclient to
    // system:nodes).
    return a.subresource().equals("selfnodeclient") && a.verb().equals("create");
  }

  private static boolean storage(String node, Attributes a) {
    switch (a.resource()) {
      case "volumeattachments":
        return a.verb().equals("get");
      case "csidrivers":
        return read(a);
      case "csinodes":
        if (a.verb().equals("create")) {
          return true;
        }
        return Set.of("get", "update", "patch", "delete").contains(a.verb())
            && a.name().equals(node);
      default:
        return false;
    }
  }

  private static boolean is(Attributes a, String resource, String verb) {
    return a.resource().equals(resource) && a.subresource().isEmpty() && a.verb().equals(verb);
  }

  private static boolean read(Attributes a) {
    return READ.contains(a.verb());
  }

  /** get, or list/watch of exactly one object (fieldSelector metadata.name), as upstream. */
  private static boolean namedRead(Attributes a) {
    return read(a) && !a.name().isEmpty() && !a.namespace().isEmpty()
        || a.resource().equals("persistentvolumes") && read(a) && !a.name().isEmpty();
  }
}
