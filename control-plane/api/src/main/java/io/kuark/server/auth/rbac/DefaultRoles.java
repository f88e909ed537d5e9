package io.kuark.server.auth.rbac;

import io.kuark.server.auth.authz.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream's bootstrap ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): the
 * user-facing roles with their aggregation, discovery and basic-user roles, and the roles of the
 * node and control-plane components.
 */
final class DefaultRoles {

  static final String AGG_ADMIN = "rbac.authorization.k8s.io/aggregate-to-admin";
  static final String AGG_EDIT = "rbac.authorization.k8s.io/aggregate-to-edit";
  static final String AGG_VIEW = "rbac.authorization.k8s.io/aggregate-to-view";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> WRITE =
      List.of("create", "delete", "deletecollection", "patch", "update");
  private static final List<String> READ_WRITE =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * A default ClusterRole.
   *
   * @param labels labels (aggregation targets)
   * @param aggregateFrom label selector (matchLabels) of an aggregated role, or null
   */
  record Role(
      String name, Map<String, String> labels, List<PolicyRule> rules, String aggregateFrom) {}

  private DefaultRoles() {}

  static List<Role> all() {
    List<Role> roles = new ArrayList<>();
    roles.add(
        new Role(
            "cluster-admin",
            Map.of(),
            List.of(
                r(List.of("*"), List.of("*"), List.of("*")),
                PolicyRule.urls(List.of("*"), List.of("*"))),
            null));
    roles.add(new Role("admin", Map.of(), List.of(), AGG_ADMIN));
    roles.add(new Role("edit", Map.of(AGG_ADMIN, "true"), List.of(), AGG_EDIT));
    roles.add(new Role("view", Map.of(AGG_EDIT, "true"), List.of(), AGG_VIEW));
    roles.add(
        new Role(
            "system:aggregate-to-admin",
            Map.of(AGG_ADMIN, "true"),
            List.of(
                r(
                    List.of("create"),
                    List.of("authorization.k8s.io"),
                    List.of("localsubjectaccessreviews")),
                r(
                    READ_WRITE,
                    List.of("rbac.authorization.k8s.io"),
                    List.of("rolebindings", "roles"))),
            null));
    roles.add(new Role("system:aggregate-to-edit", Map.of(AGG_EDIT, "true"), editRules(), null));
    roles.add(new Role("system:aggregate-to-view", Map.of(AGG_VIEW, "true"), viewRules(), null));
    roles.add(
        new Role(
            "system:discovery",
            Map.of(),
            List.of(
                PolicyRule.urls(
                    List.of("get"),
                    List.of(
                        "/api",
                        "/api/*",
                        "/apis",
                        "/apis/*",
                        "/healthz",
                        "/livez",
                        "/openapi",
                        "/openapi/*",
                        "/readyz",
                        "/version",
                        "/version/"))),
            null));
    roles.add(
        new Role(
            "system:basic-user",
            Map.of(),
            List.of(
                r(
                    List.of("create"),
                    List.of("authentication.k8s.io"),
                    List.of("selfsubjectreviews")),
                r(
                    List.of("create"),
                    List.of("authorization.k8s.io"),
                    List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"))),
            null));
    roles.add(
        new Role(
            "system:public-info-viewer",
            Map.of(),
            List.of(
                PolicyRule.urls(
                    List.of("get"),
                    List.of("/healthz", "/livez", "/readyz", "/version", "/version/"))),
            null));
    roles.add(
        new Role(
            "system:auth-delegator",
            Map.of(),
            List.of(
                r(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
                r(
                    List.of("create"),
                    List.of("authorization.k8s.io"),
                    List.of("subjectaccessreviews"))),
            null));
    roles.add(new Role("system:node", Map.of(), nodeRules(), null));
    roles.add(new Role("system:kubelet-api-admin", Map.of(), kubeletApiAdminRules(), null));
    roles.add(
        new Role(
            "system:node-bootstrapper",
            Map.of(),
            List.of(
                r(
                    List.of("create", "get", "list", "watch"),
                    List.of("certificates.k8s.io"),
                    List.of("certificatesigningrequests"))),
            null));
    roles.add(
        new Role(
            "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            Map.of(),
            List.of(
                r(
                    List.of("create"),
                    List.of("certificates.k8s.io"),
                    List.of("certificatesigningrequests/nodeclient"))),
            null));
    roles.add(
        new Role(
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
            Map.of(),
            List.of(
                r(
                    List.of("create"),
                    List.of("certificates.k8s.io"),
                    List.of("certificatesigningrequests/selfnodeclient"))),
            null));
    roles.add(new Role("system:kube-scheduler", Map.of(), schedulerRules(), null));
    roles.add(new Role("system:kube-controller-manager", Map.of(), controllerManagerRules(), null));
    roles.addAll(ControllerPolicy.roles());
    return roles;
  }

  private static List<PolicyRule> editRules() {
    return List.of(
        r(
            List.of("get", "list", "watch"),
            core(),
            List.of(
                "pods/attach",
                "pods/exec",
                "pods/portforward",
                "pods/proxy",
                "secrets",
                "services/proxy")),
        r(List.of("impersonate"), core(), List.of("serviceaccounts")),
        r(
            WRITE,
            core(),
            List.of("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy")),
        r(List.of("create"), core(), List.of("pods/eviction")),
        r(
            WRITE,
            core(),
            List.of(
                "configmaps",
                "events",
                "persistentvolumeclaims",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "secrets",
                "serviceaccounts",
                "services",
                "services/proxy")),
        r(List.of("create"), core(), List.of("serviceaccounts/token")),
        r(
            WRITE,
            List.of("apps"),
            List.of(
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "replicasets",
                "replicasets/scale",
                "statefulsets",
                "statefulsets/scale")),
        r(WRITE, List.of("autoscaling"), List.of("horizontalpodautoscalers")),
        r(WRITE, List.of("batch"), List.of("cronjobs", "jobs")),
        r(WRITE, List.of("policy"), List.of("poddisruptionbudgets")),
        r(WRITE, List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies")),
        r(WRITE, List.of("coordination.k8s.io"), List.of("leases")));
  }

  private static List<PolicyRule> viewRules() {
    return List.of(
        r(
            READ,
            core(),
            List.of(
                "configmaps",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status")),
        r(
            READ,
            core(),
            List.of(
                "bindings",
                "events",
                "limitranges",
                "namespaces/status",
                "pods/log",
                "pods/status",
                "replicationcontrollers/status",
                "resourcequotas",
                "resourcequotas/status")),
        r(READ, core(), List.of("namespaces")),
        r(READ, List.of("discovery.k8s.io"), List.of("endpointslices")),
        r(
            READ,
            List.of("apps"),
            List.of(
                "controllerrevisions",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status")),
        r(
            READ,
            List.of("autoscaling"),
            List.of("horizontalpodautoscalers", "horizontalpodautoscalers/status")),
        r(READ, List.of("batch"), List.of("cronjobs", "cronjobs/status", "jobs", "jobs/status")),
        r(READ, List.of("policy"), List.of("poddisruptionbudgets", "poddisruptionbudgets/status")),
        r(
            READ,
            List.of("networking.k8s.io"),
            List.of("ingresses", "ingresses/status", "networkpolicies")));
  }

  private static List<PolicyRule> nodeRules() {
    return List.of(
        r(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
        r(
            List.of("create"),
            List.of("authorization.k8s.io"),
            List.of("localsubjectaccessreviews", "subjectaccessreviews")),
        r(READ, core(), List.of("services")),
        r(
            List.of("create", "delete", "get", "list", "patch", "update", "watch"),
            core(),
            List.of("nodes")),
        r(List.of("patch", "update"), core(), List.of("nodes/status")),
        r(List.of("create", "patch", "update"), core(), List.of("events")),
        r(READ, core(), List.of("pods")),
        r(List.of("create", "delete"), core(), List.of("pods")),
        r(List.of("patch", "update"), core(), List.of("pods/status")),
        r(List.of("create"), core(), List.of("pods/eviction")),
        r(List.of("get"), core(), List.of("configmaps", "secrets")),
        r(List.of("get"), core(), List.of("persistentvolumeclaims", "persistentvolumes")),
        r(List.of("get"), core(), List.of("endpoints")),
        r(List.of("create"), core(), List.of("serviceaccounts/token")),
        r(List.of("get", "patch", "update"), core(), List.of("persistentvolumeclaims/status")),
        r(
            List.of("create", "delete", "get", "patch", "update"),
            List.of("coordination.k8s.io"),
            List.of("leases")),
        r(List.of("get"), List.of("storage.k8s.io"), List.of("volumeattachments", "csidrivers")),
        r(READ, List.of("node.k8s.io"), List.of("runtimeclasses")),
        r(READ, List.of("discovery.k8s.io"), List.of("endpointslices")));
  }

  /** Full use of the node agents' API (the API server's kubelet client is bound to it). */
  private static List<PolicyRule> kubeletApiAdminRules() {
    return List.of(
        r(READ, core(), List.of("nodes")),
        r(List.of("proxy"), core(), List.of("nodes")),
        r(
            List.of("*"),
            core(),
            List.of("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log")));
  }

  private static List<PolicyRule> schedulerRules() {
    return List.of(
        r(List.of("create", "patch", "update"), List.of("", "events.k8s.io"), List.of("events")),
        r(List.of("create"), List.of("coordination.k8s.io"), List.of("leases")),
        // get/update of its own lease only, as upstream (the lock renews with an update).
        new PolicyRule(
            List.of("get", "update"),
            List.of("coordination.k8s.io"),
            List.of("leases"),
            List.of("kuark-scheduler"),
            List.of()),
        r(READ, core(), List.of("nodes")),
        r(List.of("delete", "get", "list", "watch"), core(), List.of("pods")),
        r(List.of("create"), core(), List.of("bindings", "pods/binding")),
        r(List.of("patch", "update"), core(), List.of("pods/status")),
        r(
            READ,
            core(),
            List.of(
                "replicationcontrollers",
                "services",
                "namespaces",
                "persistentvolumeclaims",
                "persistentvolumes")),
        r(READ, List.of("apps"), List.of("replicasets", "statefulsets")),
        r(READ, List.of("policy"), List.of("poddisruptionbudgets")),
        r(
            READ,
            List.of("storage.k8s.io"),
            List.of("storageclasses", "csinodes", "csidrivers", "csistoragecapacities")),
        r(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
        r(List.of("create"), List.of("authorization.k8s.io"), List.of("subjectaccessreviews")));
  }

  private static List<PolicyRule> controllerManagerRules() {
    return List.of(
        r(List.of("create", "patch", "update"), List.of("", "events.k8s.io"), List.of("events")),
        r(List.of("create"), List.of("coordination.k8s.io"), List.of("leases")),
        // get/update of its own lease only, as upstream (the lock renews with an update).
        new PolicyRule(
            List.of("get", "update"),
            List.of("coordination.k8s.io"),
            List.of("leases"),
            List.of("kuark-controller-manager"),
            List.of()),
        r(List.of("create"), core(), List.of("secrets", "serviceaccounts")),
        r(List.of("delete"), core(), List.of("secrets")),
        r(
            List.of("get"),
            core(),
            List.of("configmaps", "namespaces", "secrets", "serviceaccounts")),
        r(List.of("update"), core(), List.of("secrets", "serviceaccounts")),
        r(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
        r(List.of("create"), List.of("authorization.k8s.io"), List.of("subjectaccessreviews")),
        r(List.of("list", "watch"), List.of("*"), List.of("*")),
        r(List.of("create"), core(), List.of("serviceaccounts/token")));
  }

  private static List<String> core() {
    return List.of("");
  }

  private static PolicyRule r(List<String> verbs, List<String> groups, List<String> resources) {
    return PolicyRule.resource(verbs, groups, resources);
  }
}
