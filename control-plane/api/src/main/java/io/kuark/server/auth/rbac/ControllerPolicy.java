package io.kuark.server.auth.rbac;

import io.kuark.server.auth.authz.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each in-process control-plane loop may do: one ClusterRole per controller, named as
 * upstream's {@code system:controller:<controller>} roles (controller_policy.go), each bound to
 * that controller's own ServiceAccount {@code kube-system/<controller>} (upstream's {@code
 * --use-service-account-credentials}); and {@code system:volume-scheduler} bound to the scheduler's
 * user ({@value #SCHEDULER}) next to {@code system:kube-scheduler}.
 *
 * <p>This is the one place to change when a controller needs another permission: add a rule to its
 * role, or add a role for a new controller in {@link #controllerRoles} (and have the controller act
 * through {@code ControllerClients.forController("<name>")}). Reading and watching every resource
 * (the shared informers), creating the controllers' ServiceAccounts and their tokens, and the
 * leader-election Lease are {@value #CONTROLLER_MANAGER}'s ({@code
 * system:kube-controller-manager}), as upstream; every controller role may write events.
 */
public final class ControllerPolicy {

  /** The user (client certificate CN) the controllers act as. */
  public static final String CONTROLLER_MANAGER = "system:kube-controller-manager";

  /** The user (client certificate CN) the scheduler acts as. */
  public static final String SCHEDULER = "system:kube-scheduler";

  static final String PREFIX = "system:controller:";

  /** Where the controllers' ServiceAccounts live. */
  public static final String CONTROLLER_NAMESPACE = "kube-system";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> ALL =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");

  private ControllerPolicy() {}

  /** One ClusterRole per controller, as {@code name → rules}; names lack the prefix. */
  static Map<String, List<PolicyRule>> controllerRoles() {
    Map<String, List<PolicyRule>> roles = new java.util.LinkedHashMap<>();
    roles.put(
        "deployment-controller",
        List.of(
            r(List.of("get", "list", "watch", "update", "patch"), apps(), "deployments"),
            r(List.of("update", "patch"), apps(), "deployments/status", "deployments/finalizers"),
            r(ALL, apps(), "replicasets"),
            r(List.of("get", "list", "watch", "update", "patch"), core(), "pods")));
    roles.put(
        "replicaset-controller",
        List.of(
            r(List.of("get", "list", "watch", "update", "patch"), apps(), "replicasets"),
            r(List.of("update", "patch"), apps(), "replicasets/status", "replicasets/finalizers"),
            r(
                List.of("create", "delete", "get", "list", "patch", "update", "watch"),
                core(),
                "pods")));
    roles.put(
        "daemon-set-controller",
        List.of(
            r(READ, apps(), "daemonsets"),
            r(List.of("update", "patch"), apps(), "daemonsets/status", "daemonsets/finalizers"),
            r(READ, core(), "nodes"),
            r(ALL, core(), "pods"),
            r(List.of("create"), core(), "pods/binding"),
            r(ALL, apps(), "controllerrevisions")));
    roles.put(
        "statefulset-controller",
        List.of(
            r(READ, apps(), "statefulsets"),
            r(List.of("update", "patch"), apps(), "statefulsets/status", "statefulsets/finalizers"),
            r(ALL, core(), "pods"),
            r(ALL, apps(), "controllerrevisions"),
            r(
                List.of("create", "get", "list", "watch", "update", "patch", "delete"),
                core(),
                "persistentvolumeclaims")));
    roles.put(
        "job-controller",
        List.of(
            r(List.of("get", "list", "watch", "update", "patch"), batch(), "jobs"),
            r(List.of("update", "patch"), batch(), "jobs/status", "jobs/finalizers"),
            r(ALL, core(), "pods")));
    roles.put(
        "cronjob-controller",
        List.of(
            r(List.of("get", "list", "watch", "update", "patch"), batch(), "cronjobs"),
            r(ALL, batch(), "jobs"),
            r(List.of("update", "patch"), batch(), "cronjobs/status", "cronjobs/finalizers"),
            r(List.of("delete", "list"), core(), "pods")));
    roles.put(
        "ttl-after-finished-controller",
        List.of(r(List.of("delete", "get", "list", "watch"), batch(), "jobs")));
    roles.put(
        "generic-garbage-collector",
        List.of(
            r(List.of("delete", "get", "list", "patch", "update", "watch"), List.of("*"), "*")));
    roles.put(
        "namespace-controller",
        List.of(
            r(List.of("delete", "get", "list", "watch"), core(), "namespaces"),
            r(List.of("update"), core(), "namespaces/finalize", "namespaces/status"),
            r(List.of("delete", "deletecollection", "get", "list"), List.of("*"), "*")));
    roles.put(
        "service-account-controller",
        List.of(r(List.of("create", "get"), core(), "serviceaccounts")));
    roles.put(
        "root-ca-cert-publisher",
        List.of(r(List.of("create", "get", "update"), core(), "configmaps")));
    roles.put(
        "endpointslice-controller",
        List.of(
            r(READ, core(), "services", "pods", "nodes"),
            r(List.of("update"), core(), "services/finalizers"),
            r(
                List.of("create", "delete", "get", "list", "update", "watch"),
                List.of("discovery.k8s.io"),
                "endpointslices")));
    roles.put(
        "endpoint-controller",
        List.of(
            r(READ, core(), "services", "pods"),
            r(List.of("create", "delete", "get", "list", "update", "watch"), core(), "endpoints"),
            r(List.of("create"), core(), "endpoints/restricted")));
    roles.put(
        "node-controller",
        List.of(
            r(List.of("delete", "get", "list", "patch", "update", "watch"), core(), "nodes"),
            r(List.of("patch", "update"), core(), "nodes/status", "pods/status"),
            r(List.of("delete", "get", "list", "watch"), core(), "pods")));
    roles.put(
        "node-ipam-controller",
        List.of(
            r(List.of("get", "list", "patch", "update", "watch"), core(), "nodes"),
            r(List.of("patch", "update"), core(), "nodes/status")));
    roles.put(
        "resourcequota-controller", List.of(r(List.of("update"), core(), "resourcequotas/status")));
    roles.put(
        "persistent-volume-binder",
        List.of(
            r(
                List.of("create", "delete", "get", "list", "update", "watch"),
                core(),
                "persistentvolumes"),
            r(List.of("update"), core(), "persistentvolumes/status"),
            r(List.of("get", "list", "update", "watch"), core(), "persistentvolumeclaims"),
            r(List.of("update"), core(), "persistentvolumeclaims/status"),
            r(List.of("delete", "get", "list", "watch"), core(), "pods"),
            r(READ, core(), "nodes"),
            r(READ, List.of("storage.k8s.io"), "storageclasses")));
    // Every controller records events about what it does (upstream's eventsRule()).
    roles.replaceAll((name, rules) -> withEvents(rules));
    return roles;
  }

  private static List<PolicyRule> withEvents(List<PolicyRule> rules) {
    List<PolicyRule> out = new ArrayList<>(rules);
    out.add(r(List.of("create", "patch", "update"), List.of("", "events.k8s.io"), "events"));
    return List.copyOf(out);
  }

  /** The user controller {@code name} acts as: its ServiceAccount's. */
  public static String controllerUser(String name) {
    return "system:serviceaccount:" + CONTROLLER_NAMESPACE + ":" + name;
  }

  /** The names of the controllers (and of their ServiceAccounts), without the role prefix. */
  public static List<String> controllerNames() {
    return List.copyOf(controllerRoles().keySet());
  }

  /** The roles of this policy for {@link DefaultRoles#all}. */
  static List<DefaultRoles.Role> roles() {
    List<DefaultRoles.Role> out = new ArrayList<>();
    controllerRoles()
        .forEach(
            (name, rules) -> out.add(new DefaultRoles.Role(PREFIX + name, Map.of(), rules, null)));
    out.add(
        new DefaultRoles.Role("system:volume-scheduler", Map.of(), volumeSchedulerRules(), null));
    return out;
  }

  /** The bindings of this policy for {@link BootstrapPolicy#bindings}. */
  static Map<String, List<String>> bindings() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (String name : controllerRoles().keySet()) {
      out.put(PREFIX + name, List.of("ServiceAccount:" + CONTROLLER_NAMESPACE + "/" + name));
    }
    out.put("system:volume-scheduler", List.of("User:" + SCHEDULER));
    return out;
  }

  /**
   * Subjects earlier Kuark versions bound and this policy withdrew, by binding name: reconciling
   * removes them (otherwise they would keep every controller's permissions on an upgraded cluster).
   */
  static Map<String, List<String>> retiredSubjects() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (String name : controllerRoles().keySet()) {
      out.put(PREFIX + name, List.of("User:" + CONTROLLER_MANAGER));
    }
    return out;
  }

  /** Upstream's system:volume-scheduler: the scheduler's VolumeBinding writes. */
  private static List<PolicyRule> volumeSchedulerRules() {
    return List.of(
        r(List.of("get", "list", "patch", "update", "watch"), core(), "persistentvolumes"),
        r(READ, List.of("storage.k8s.io"), "storageclasses"),
        r(List.of("get", "list", "patch", "update", "watch"), core(), "persistentvolumeclaims"));
  }

  private static List<String> core() {
    return List.of("");
  }

  private static List<String> apps() {
    return List.of("apps");
  }

  private static List<String> batch() {
    return List.of("batch");
  }

  private static PolicyRule r(List<String> verbs, List<String> groups, String... resources) {
    return PolicyRule.resource(verbs, groups, List.of(resources));
  }
}
