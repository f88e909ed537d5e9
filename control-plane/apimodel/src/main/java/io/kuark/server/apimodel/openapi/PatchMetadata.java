package io.kuark.server.apimodel.openapi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Strategic-merge-patch and list semantics of built-in fields (what upstream declares with {@code
 * patchStrategy}/{@code patchMergeKey}/{@code listType}/{@code listMapKey} tags in k8s.io/api), and
 * the required fields of common types. Written from upstream's documented semantics; the OpenAPI
 * generator attaches them as {@code x-kubernetes-*} extensions.
 */
final class PatchMetadata {

  /** One field's list semantics. {@code mergeKey} may be null (merge of a set of scalars). */
  record ListSemantics(String strategy, String mergeKey, String listType, List<String> mapKeys) {}

  private static final Map<String, ListSemantics> FIELDS = new HashMap<>();
  private static final Map<String, List<String>> REQUIRED = new HashMap<>();

  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";

  static {
    String[] podSpecs = {CORE + "PodSpec"};
    for (String spec : podSpecs) {
      map(spec, "containers", "merge", "name");
      map(spec, "initContainers", "merge", "name");
      map(spec, "ephemeralContainers", "merge", "name");
      map(spec, "imagePullSecrets", "merge", "name");
      map(spec, "volumes", "merge,retainKeys", "name");
      map(spec, "hostAliases", "merge", "ip");
      map(spec, "schedulingGates", "merge", "name");
      map(spec, "resourceClaims", "merge,retainKeys", "name");
      map(
          spec,
          "topologySpreadConstraints",
          "merge",
          "topologyKey",
          "topologyKey",
          "whenUnsatisfiable");
      atomic(spec, "tolerations");
      atomic(spec, "readinessGates");
    }
    for (String c : new String[] {CORE + "Container", CORE + "EphemeralContainer"}) {
      map(c, "ports", "merge", "containerPort", "containerPort", "protocol");
      map(c, "env", "merge", "name");
      map(c, "volumeMounts", "merge", "mountPath");
      map(c, "volumeDevices", "merge", "devicePath");
      atomic(c, "command");
      atomic(c, "args");
      atomic(c, "envFrom");
      atomic(c, "resizePolicy");
    }
    map(CORE + "PodStatus", "conditions", "merge", "type");
    map(CORE + "PodStatus", "podIPs", "merge", "ip");
    map(CORE + "PodStatus", "hostIPs", "merge", "ip");
    map(CORE + "PodStatus", "resourceClaimStatuses", "merge,retainKeys", "name");
    map(CORE + "ServiceSpec", "ports", "merge", "port", "port", "protocol");
    map(CORE + "ServiceStatus", "conditions", "merge", "type");
    set(CORE + "NodeSpec", "podCIDRs", "merge");
    map(CORE + "NodeStatus", "conditions", "merge", "type");
    map(CORE + "NodeStatus", "addresses", "merge", "type");
    map(CORE + "NamespaceStatus", "conditions", "merge", "type");
    map(CORE + "PersistentVolumeClaimStatus", "conditions", "merge", "type");
    map(CORE + "ServiceAccount", "secrets", "merge", "name");
    map(CORE + "ReplicationControllerStatus", "conditions", "merge", "type");
    set(SchemaNames.META + "ObjectMeta", "finalizers", "merge");
    map(SchemaNames.META + "ObjectMeta", "ownerReferences", "merge", "uid");
    for (String kind : new String[] {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"}) {
      map(APPS + kind + "Status", "conditions", "merge", "type");
    }
    FIELDS.put(APPS + "DeploymentSpec.strategy", new ListSemantics("retainKeys", null, null, null));
    map("io.k8s.api.batch.v1.JobStatus", "conditions", "merge", "type");
    atomic("io.k8s.api.batch.v1.CronJobStatus", "active");
    map("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "conditions", "merge", "type");

    required(CORE + "PodSpec", "containers");
    required(CORE + "Container", "name");
    required(CORE + "EphemeralContainer", "name");
    required(CORE + "ContainerPort", "containerPort");
    required(CORE + "EnvVar", "name");
    required(CORE + "Volume", "name");
    required(CORE + "VolumeMount", "name", "mountPath");
    required(CORE + "ServicePort", "port");
    required(CORE + "KeyToPath", "key", "path");
    required(CORE + "ObjectFieldSelector", "fieldPath");
    required(CORE + "ConfigMapKeySelector", "key");
    required(CORE + "SecretKeySelector", "key");
    required(CORE + "Taint", "key", "effect");
    required(CORE + "NodeSelectorRequirement", "key", "operator");
    required(CORE + "HTTPGetAction", "port");
    required(CORE + "TCPSocketAction", "port");
    required(CORE + "PodCondition", "type", "status");
    required(CORE + "NodeCondition", "type", "status");
    required(CORE + "LocalObjectReference");
    required(APPS + "DeploymentSpec", "selector", "template");
    required(APPS + "ReplicaSetSpec", "selector");
    required(APPS + "DaemonSetSpec", "selector", "template");
    required(APPS + "StatefulSetSpec", "selector", "template");
    required(APPS + "ControllerRevision", "revision");
    required("io.k8s.api.batch.v1.JobSpec", "template");
    required("io.k8s.api.batch.v1.CronJobSpec", "schedule", "jobTemplate");
    required(SchemaNames.META + "LabelSelectorRequirement", "key", "operator");
    required(SchemaNames.META + "OwnerReference", "apiVersion", "kind", "name", "uid");
    required("io.k8s.api.rbac.v1.PolicyRule", "verbs");
    required("io.k8s.api.rbac.v1.Subject", "kind", "name");
    required("io.k8s.api.rbac.v1.RoleRef", "apiGroup", "kind", "name");
    required("io.k8s.api.rbac.v1.RoleBinding", "roleRef");
    required("io.k8s.api.rbac.v1.ClusterRoleBinding", "roleRef");
    required("io.k8s.api.discovery.v1.EndpointSlice", "addressType", "endpoints");
    required("io.k8s.api.discovery.v1.Endpoint", "addresses");
    required("io.k8s.api.storage.v1.StorageClass", "provisioner");
    required("io.k8s.api.scheduling.v1.PriorityClass", "value");
    required("io.k8s.api.node.v1.RuntimeClass", "handler");
    String ext = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";
    required(ext + "CustomResourceDefinitionSpec", "group", "names", "scope", "versions");
    required(ext + "CustomResourceDefinitionNames", "plural", "kind");
    required(ext + "CustomResourceDefinitionVersion", "name", "served", "storage");
  }

  private PatchMetadata() {}

  private static void map(
      String def, String field, String strategy, String key, String... mapKeys) {
    List<String> keys = mapKeys.length == 0 ? List.of(key) : List.of(mapKeys);
    FIELDS.put(def + "." + field, new ListSemantics(strategy, key, "map", keys));
  }

  private static void set(String def, String field, String strategy) {
    FIELDS.put(def + "." + field, new ListSemantics(strategy, null, "set", null));
  }

  private static void atomic(String def, String field) {
    FIELDS.put(def + "." + field, new ListSemantics(null, null, "atomic", null));
  }

  private static void required(String def, String... fields) {
    REQUIRED.put(def, List.of(fields));
  }

  /** The semantics of {@code definition.field}, or null. */
  static ListSemantics of(String definition, String field) {
    return FIELDS.get(definition + "." + field);
  }

  /** Required property names of a definition (possibly empty). */
  static List<String> required(String definition) {
    return REQUIRED.getOrDefault(definition, List.of());
  }
}
