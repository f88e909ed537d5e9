package io.kuark.server.apimodel.openapi;

import java.util.HashMap;
import java.util.Map;

/**
 * Short descriptions (Kuark's own wording) for the kinds and the most used fields, shown by {@code
 * kubectl explain}. The fabric8 models carry no documentation, so everything not listed here has no
 * description.
 */
final class Descriptions {

  private static final Map<String, String> KINDS = new HashMap<>();
  private static final Map<String, String> FIELDS = new HashMap<>();

  /** Field descriptions that apply to a property name in any definition. */
  private static final Map<String, String> COMMON = new HashMap<>();

  private static final String CORE = "io.k8s.api.core.v1.";
  private static final String APPS = "io.k8s.api.apps.v1.";
  private static final String BATCH = "io.k8s.api.batch.v1.";

  static {
    kind(
        CORE + "Pod",
        "A Pod runs one or more containers together on a node, sharing network and storage. Controllers such as Deployments usually create pods.");
    kind(
        CORE + "Service",
        "A Service gives a set of pods, picked by a label selector, one stable virtual IP and DNS name, and balances traffic across them.");
    kind(
        CORE + "ConfigMap",
        "A ConfigMap holds non-secret configuration as key/value pairs that pods consume as environment variables, arguments or files.");
    kind(
        CORE + "Secret",
        "A Secret holds a small amount of sensitive data (passwords, tokens, keys), base64-encoded in data.");
    kind(
        CORE + "Namespace",
        "A Namespace groups namespaced objects; names are unique within a namespace.");
    kind(
        CORE + "Node",
        "A Node is a machine that runs pods; its agent reports capacity, addresses and conditions in status.");
    kind(
        CORE + "Event",
        "An Event records something that happened to an object, such as a pod being scheduled or an image being pulled.");
    kind(CORE + "ServiceAccount", "A ServiceAccount is an identity for processes running in pods.");
    kind(
        CORE + "PersistentVolume",
        "A PersistentVolume is a piece of storage in the cluster, provisioned by an administrator or dynamically.");
    kind(
        CORE + "PersistentVolumeClaim",
        "A PersistentVolumeClaim requests storage; it binds to a matching PersistentVolume.");
    kind(CORE + "Endpoints", "Endpoints lists the addresses and ports behind a Service.");
    kind(
        CORE + "LimitRange",
        "A LimitRange sets default and bounding resource requests and limits in a namespace.");
    kind(
        CORE + "ResourceQuota",
        "A ResourceQuota caps the total resources and object counts in a namespace.");
    kind(CORE + "PodTemplate", "A PodTemplate describes a pod to be created from it.");
    kind(
        CORE + "Binding",
        "A Binding assigns a pod to a node; the scheduler posts it to pods/binding.");
    kind(
        APPS + "Deployment",
        "A Deployment keeps a number of identical pods running and rolls out changes to them through ReplicaSets.");
    kind(
        APPS + "ReplicaSet",
        "A ReplicaSet keeps a given number of pod replicas, matching its selector, running.");
    kind(APPS + "DaemonSet", "A DaemonSet runs a copy of a pod on every (selected) node.");
    kind(
        APPS + "StatefulSet",
        "A StatefulSet runs pods with stable names, ordinal identities and per-pod storage.");
    kind(
        APPS + "ControllerRevision",
        "A ControllerRevision stores an immutable snapshot of a controller's state, used for rollbacks.");
    kind(BATCH + "Job", "A Job runs pods until a given number of them finish successfully.");
    kind(BATCH + "CronJob", "A CronJob creates Jobs on a cron schedule.");
    kind(
        "io.k8s.api.discovery.v1.EndpointSlice",
        "An EndpointSlice lists a subset of the network endpoints behind a Service.");
    kind(
        "io.k8s.api.coordination.v1.Lease",
        "A Lease is a lightweight lock, used for leader election and node heartbeats.");
    kind(
        "io.k8s.api.events.v1.Event",
        "An Event records something that happened to an object (events.k8s.io form).");
    kind("io.k8s.api.rbac.v1.Role", "A Role grants a set of permissions within one namespace.");
    kind(
        "io.k8s.api.rbac.v1.ClusterRole",
        "A ClusterRole grants a set of permissions cluster-wide or, through RoleBindings, in namespaces.");
    kind(
        "io.k8s.api.rbac.v1.RoleBinding",
        "A RoleBinding grants the permissions of a Role or ClusterRole to subjects within a namespace.");
    kind(
        "io.k8s.api.rbac.v1.ClusterRoleBinding",
        "A ClusterRoleBinding grants the permissions of a ClusterRole to subjects cluster-wide.");
    kind(
        "io.k8s.api.storage.v1.StorageClass",
        "A StorageClass describes a kind of storage and how volumes of it are provisioned.");
    kind(
        "io.k8s.api.storage.v1.CSIDriver",
        "A CSIDriver describes a Container Storage Interface driver installed in the cluster.");
    kind("io.k8s.api.storage.v1.CSINode", "A CSINode lists the CSI drivers installed on a node.");
    kind(
        "io.k8s.api.storage.v1.VolumeAttachment",
        "A VolumeAttachment requests attaching a volume to a node.");
    kind(
        "io.k8s.api.networking.v1.Ingress",
        "An Ingress routes external HTTP(S) traffic to Services by host and path.");
    kind(
        "io.k8s.api.networking.v1.IngressClass",
        "An IngressClass names the controller that implements a class of Ingresses.");
    kind(
        "io.k8s.api.networking.v1.NetworkPolicy",
        "A NetworkPolicy restricts which traffic may reach or leave selected pods.");
    kind(
        "io.k8s.api.policy.v1.PodDisruptionBudget",
        "A PodDisruptionBudget limits how many pods of a set may be down at once during voluntary disruptions.");
    kind(
        "io.k8s.api.scheduling.v1.PriorityClass",
        "A PriorityClass maps a name to a scheduling priority value for pods.");
    kind(
        "io.k8s.api.node.v1.RuntimeClass",
        "A RuntimeClass selects the container runtime configuration used to run a pod.");
    kind(
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
        "A CustomResourceDefinition adds a new resource type, served by the API server like the built-in ones.");

    COMMON.put("apiVersion", "The versioned schema of this object, e.g. v1 or apps/v1.");
    COMMON.put("kind", "The type of this object, e.g. Pod.");
    COMMON.put(
        "metadata",
        "Standard object metadata: name, namespace, labels, annotations, owner references and more.");
    COMMON.put("spec", "The desired state of the object.");
    COMMON.put(
        "status",
        "The most recently observed state of the object, maintained by the system. Read-only for most clients.");
    COMMON.put("items", "The objects in this list.");

    field(
        CORE + "PodSpec",
        "containers",
        "The containers of the pod. At least one is required; names must be unique.");
    field(
        CORE + "PodSpec",
        "initContainers",
        "Containers that run one after another, to completion, before the app containers start.");
    field(
        CORE + "PodSpec",
        "restartPolicy",
        "When containers are restarted: Always (default), OnFailure or Never.");
    field(
        CORE + "PodSpec",
        "nodeName",
        "The node the pod runs on; set by the scheduler through a binding.");
    field(
        CORE + "PodSpec",
        "nodeSelector",
        "Labels a node must have for the pod to be scheduled on it.");
    field(CORE + "PodSpec", "volumes", "Volumes that the pod's containers can mount.");
    field(
        CORE + "PodSpec",
        "serviceAccountName",
        "The ServiceAccount whose identity the pod runs with (default: default).");
    field(
        CORE + "PodSpec",
        "terminationGracePeriodSeconds",
        "Seconds the pod gets to stop gracefully before it is killed (default 30).");
    field(CORE + "PodSpec", "tolerations", "Taints the pod tolerates.");
    field(
        CORE + "PodSpec",
        "dnsPolicy",
        "How the pod's DNS is configured: ClusterFirst (default), ClusterFirstWithHostNet, Default or None.");
    field(CORE + "PodSpec", "hostNetwork", "Run the pod in the node's network namespace.");
    field(CORE + "Container", "name", "The container's name, a DNS label unique within the pod.");
    field(CORE + "Container", "image", "The container image to run, e.g. kuark.local/demo:latest.");
    field(
        CORE + "Container",
        "imagePullPolicy",
        "When to pull the image: Always, IfNotPresent or Never. Defaults to Always for :latest or untagged images, else IfNotPresent.");
    field(CORE + "Container", "command", "The entrypoint, replacing the image's ENTRYPOINT.");
    field(CORE + "Container", "args", "Arguments to the entrypoint, replacing the image's CMD.");
    field(CORE + "Container", "env", "Environment variables to set in the container.");
    field(
        CORE + "Container",
        "ports",
        "Ports the container exposes (informational; any listening port is reachable).");
    field(
        CORE + "Container",
        "resources",
        "Compute resources (cpu, memory) the container requests and is limited to.");
    field(
        CORE + "Container",
        "volumeMounts",
        "Pod volumes to mount into the container's filesystem.");
    field(
        CORE + "Container", "livenessProbe", "A check that restarts the container when it fails.");
    field(
        CORE + "Container",
        "readinessProbe",
        "A check that removes the pod from Service endpoints while it fails.");
    field(
        CORE + "ServiceSpec", "selector", "Pods with these labels receive the Service's traffic.");
    field(CORE + "ServiceSpec", "ports", "The ports the Service exposes.");
    field(
        CORE + "ServiceSpec",
        "type",
        "How the Service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName.");
    field(
        CORE + "ServiceSpec",
        "clusterIP",
        "The Service's virtual IP, allocated from the service CIDR unless set; None makes a headless Service.");
    for (String spec :
        new String[] {APPS + "DeploymentSpec", APPS + "ReplicaSetSpec", APPS + "StatefulSetSpec"}) {
      field(spec, "replicas", "The desired number of pods (default 1).");
    }
    for (String spec :
        new String[] {
          APPS + "DeploymentSpec",
          APPS + "ReplicaSetSpec",
          APPS + "StatefulSetSpec",
          APPS + "DaemonSetSpec",
          BATCH + "JobSpec"
        }) {
      field(
          spec,
          "selector",
          "Selects the pods this object manages; must match the template's labels.");
      field(spec, "template", "The pod template new pods are created from.");
    }
    field(
        APPS + "DeploymentSpec",
        "strategy",
        "How pods are replaced on changes: RollingUpdate (default, 25% surge/unavailable) or Recreate.");
    field(BATCH + "CronJobSpec", "schedule", "The schedule in cron format, e.g. */5 * * * *.");
    field(BATCH + "JobSpec", "completions", "How many pods must finish successfully.");
    field(
        BATCH + "JobSpec", "backoffLimit", "Retries before the job is marked failed (default 6).");
    field(CORE + "ConfigMap", "data", "Configuration data as UTF-8 strings.");
    field(CORE + "Secret", "data", "Secret data, base64-encoded.");
    field(
        CORE + "Secret",
        "stringData",
        "Write-only convenience: plain strings merged into data on write.");
    field(
        CORE + "Secret", "type", "The secret's type, e.g. Opaque (default) or kubernetes.io/tls.");
  }

  private Descriptions() {}

  private static void kind(String definition, String text) {
    KINDS.put(definition, text);
  }

  private static void field(String definition, String property, String text) {
    FIELDS.put(definition + "." + property, text);
  }

  /** The description of a definition, or null. */
  static String ofDefinition(String definition) {
    return KINDS.get(definition);
  }

  /** The description of a property, or null; kinds' common fields are described everywhere. */
  static String ofField(String definition, String property, boolean topLevelKind) {
    String specific = FIELDS.get(definition + "." + property);
    if (specific != null) {
      return specific;
    }
    return topLevelKind || property.equals("metadata") ? COMMON.get(property) : null;
  }
}
