package io.kuark.server.apimodel;

import static io.kuark.server.apimodel.ResourceType.CREATE_ONLY;
import static io.kuark.server.apimodel.ResourceType.STANDARD_VERBS;
import static io.kuark.server.apimodel.ResourceType.VERBS_NO_DELETECOLLECTION;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in resources Kuark serves, with upstream's names, short names, categories, scope, verbs
 * and subresources (as {@code kubectl api-resources -o wide} shows them against upstream).
 */
final class BuiltInTypes {

  private static final List<String> GPU = List.of("get", "patch", "update");
  private static final List<String> CONNECT = List.of("create", "get");
  private static final List<String> PROXY = List.of("create", "delete", "get", "patch", "update");
  private static final List<String> ALL = List.of("all");

  private BuiltInTypes() {}

  static List<ResourceType> all() {
    List<ResourceType> out = new ArrayList<>();
    core(out);
    apps(out);
    others(out);
    return out;
  }

  private static void core(List<ResourceType> out) {
    out.add(
        t("", "Binding", "bindings", true, CREATE_ONLY, List.of(), List.of())
            .build(io.fabric8.kubernetes.api.model.Binding.class));
    out.add(
        t("", "ConfigMap", "configmaps", true, STANDARD_VERBS, List.of("cm"), List.of())
            .build(io.fabric8.kubernetes.api.model.ConfigMap.class));
    out.add(
        t("", "Endpoints", "endpoints", true, STANDARD_VERBS, List.of("ep"), List.of())
            .singular("endpoints")
            .build(io.fabric8.kubernetes.api.model.Endpoints.class));
    out.add(
        t("", "Event", "events", true, STANDARD_VERBS, List.of("ev"), List.of())
            .build(io.fabric8.kubernetes.api.model.Event.class));
    out.add(
        t("", "LimitRange", "limitranges", true, STANDARD_VERBS, List.of("limits"), List.of())
            .build(io.fabric8.kubernetes.api.model.LimitRange.class));
    out.add(
        t("", "Namespace", "namespaces", false, VERBS_NO_DELETECOLLECTION, List.of("ns"), List.of())
            .sub(new Subresource("finalize", "Namespace", null, null, List.of("update")))
            .sub(Subresource.status("Namespace"))
            .build(io.fabric8.kubernetes.api.model.Namespace.class));
    out.add(
        t("", "Node", "nodes", false, STANDARD_VERBS, List.of("no"), List.of())
            .sub(new Subresource("proxy", "NodeProxyOptions", null, null, PROXY))
            .sub(Subresource.status("Node"))
            .build(io.fabric8.kubernetes.api.model.Node.class));
    out.add(
        t(
                "",
                "PersistentVolumeClaim",
                "persistentvolumeclaims",
                true,
                STANDARD_VERBS,
                List.of("pvc"),
                List.of())
            .sub(Subresource.status("PersistentVolumeClaim"))
            .build(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class));
    out.add(
        t(
                "",
                "PersistentVolume",
                "persistentvolumes",
                false,
                STANDARD_VERBS,
                List.of("pv"),
                List.of())
            .sub(Subresource.status("PersistentVolume"))
            .build(io.fabric8.kubernetes.api.model.PersistentVolume.class));
    out.add(
        t("", "Pod", "pods", true, STANDARD_VERBS, List.of("po"), ALL)
            .sub(new Subresource("attach", "PodAttachOptions", null, null, CONNECT))
            .sub(new Subresource("binding", "Binding", null, null, CREATE_ONLY))
            .sub(new Subresource("ephemeralcontainers", "Pod", null, null, GPU))
            .sub(new Subresource("eviction", "Eviction", "policy", "v1", CREATE_ONLY))
            .sub(new Subresource("exec", "PodExecOptions", null, null, CONNECT))
            .sub(new Subresource("log", "Pod", null, null, List.of("get")))
            .sub(new Subresource("portforward", "PodPortForwardOptions", null, null, CONNECT))
            .sub(new Subresource("proxy", "PodProxyOptions", null, null, PROXY))
            .sub(Subresource.status("Pod"))
            .build(io.fabric8.kubernetes.api.model.Pod.class));
    out.add(
        t("", "PodTemplate", "podtemplates", true, STANDARD_VERBS, List.of(), List.of())
            .build(io.fabric8.kubernetes.api.model.PodTemplate.class));
    out.add(
        t("", "ResourceQuota", "resourcequotas", true, STANDARD_VERBS, List.of("quota"), List.of())
            .sub(Subresource.status("ResourceQuota"))
            .build(io.fabric8.kubernetes.api.model.ResourceQuota.class));
    out.add(
        t("", "Secret", "secrets", true, STANDARD_VERBS, List.of(), List.of())
            .build(io.fabric8.kubernetes.api.model.Secret.class));
    out.add(
        t("", "ServiceAccount", "serviceaccounts", true, STANDARD_VERBS, List.of("sa"), List.of())
            .sub(
                new Subresource(
                    "token", "TokenRequest", "authentication.k8s.io", "v1", CREATE_ONLY))
            .build(io.fabric8.kubernetes.api.model.ServiceAccount.class));
    out.add(
        t("", "Service", "services", true, STANDARD_VERBS, List.of("svc"), ALL)
            .sub(new Subresource("proxy", "ServiceProxyOptions", null, null, PROXY))
            .sub(Subresource.status("Service"))
            .build(io.fabric8.kubernetes.api.model.Service.class));
  }

  private static void apps(List<ResourceType> out) {
    out.add(
        t("apps", "ControllerRevision", "controllerrevisions", true, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.apps.ControllerRevision.class));
    out.add(
        t("apps", "DaemonSet", "daemonsets", true, STANDARD_VERBS, List.of("ds"), ALL)
            .sub(Subresource.status("DaemonSet"))
            .build(io.fabric8.kubernetes.api.model.apps.DaemonSet.class));
    out.add(
        t("apps", "Deployment", "deployments", true, STANDARD_VERBS, List.of("deploy"), ALL)
            .sub(Subresource.scale())
            .sub(Subresource.status("Deployment"))
            .build(io.fabric8.kubernetes.api.model.apps.Deployment.class));
    out.add(
        t("apps", "ReplicaSet", "replicasets", true, STANDARD_VERBS, List.of("rs"), ALL)
            .sub(Subresource.scale())
            .sub(Subresource.status("ReplicaSet"))
            .build(io.fabric8.kubernetes.api.model.apps.ReplicaSet.class));
    out.add(
        t("apps", "StatefulSet", "statefulsets", true, STANDARD_VERBS, List.of("sts"), ALL)
            .sub(Subresource.scale())
            .sub(Subresource.status("StatefulSet"))
            .build(io.fabric8.kubernetes.api.model.apps.StatefulSet.class));
    out.add(
        t("batch", "CronJob", "cronjobs", true, STANDARD_VERBS, List.of("cj"), ALL)
            .sub(Subresource.status("CronJob"))
            .build(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class));
    out.add(
        t("batch", "Job", "jobs", true, STANDARD_VERBS, none(), ALL)
            .sub(Subresource.status("Job"))
            .build(io.fabric8.kubernetes.api.model.batch.v1.Job.class));
  }

  private static void others(List<ResourceType> out) {
    out.add(
        t(
                "discovery.k8s.io",
                "EndpointSlice",
                "endpointslices",
                true,
                STANDARD_VERBS,
                none(),
                none())
            .build(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class));
    out.add(
        t(
                "certificates.k8s.io",
                "CertificateSigningRequest",
                "certificatesigningrequests",
                false,
                STANDARD_VERBS,
                List.of("csr"),
                none())
            .sub(new Subresource("approval", "CertificateSigningRequest", null, null, GPU))
            .sub(Subresource.status("CertificateSigningRequest"))
            .build(
                io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest.class));
    out.add(
        t("coordination.k8s.io", "Lease", "leases", true, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.coordination.v1.Lease.class));
    out.add(
        t("events.k8s.io", "Event", "events", true, STANDARD_VERBS, List.of("ev"), none())
            .build(io.fabric8.kubernetes.api.model.events.v1.Event.class));
    String rbac = "rbac.authorization.k8s.io";
    out.add(
        t(rbac, "ClusterRoleBinding", "clusterrolebindings", false, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class));
    out.add(
        t(rbac, "ClusterRole", "clusterroles", false, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class));
    out.add(
        t(rbac, "RoleBinding", "rolebindings", true, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class));
    out.add(
        t(rbac, "Role", "roles", true, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.rbac.Role.class));
    String storage = "storage.k8s.io";
    out.add(
        t(storage, "CSIDriver", "csidrivers", false, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.storage.CSIDriver.class));
    out.add(
        t(storage, "CSINode", "csinodes", false, STANDARD_VERBS, none(), none())
            .build(io.fabric8.kubernetes.api.model.storage.CSINode.class));
    out.add(
        t(storage, "StorageClass", "storageclasses", false, STANDARD_VERBS, List.of("sc"), none())
            .build(io.fabric8.kubernetes.api.model.storage.StorageClass.class));
    out.add(
        t(storage, "VolumeAttachment", "volumeattachments", false, STANDARD_VERBS, none(), none())
            .sub(Subresource.status("VolumeAttachment"))
            .build(io.fabric8.kubernetes.api.model.storage.VolumeAttachment.class));
    String net = "networking.k8s.io";
    out.add(
        t(net, "IngressClass", "ingressclasses", false, STANDARD_VERBS, none(), none())
            .singular("ingressclass")
            .build(io.fabric8.kubernetes.api.model.networking.v1.IngressClass.class));
    out.add(
        t(net, "Ingress", "ingresses", true, STANDARD_VERBS, List.of("ing"), none())
            .sub(Subresource.status("Ingress"))
            .build(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class));
    out.add(
        t(net, "NetworkPolicy", "networkpolicies", true, STANDARD_VERBS, List.of("netpol"), none())
            .build(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class));
    out.add(
        t(
                "policy",
                "PodDisruptionBudget",
                "poddisruptionbudgets",
                true,
                STANDARD_VERBS,
                pdb(),
                none())
            .sub(Subresource.status("PodDisruptionBudget"))
            .build(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class));
    out.add(
        t(
                "scheduling.k8s.io",
                "PriorityClass",
                "priorityclasses",
                false,
                STANDARD_VERBS,
                pc(),
                none())
            .singular("priorityclass")
            .build(io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass.class));
    out.add(
        t("node.k8s.io", "RuntimeClass", "runtimeclasses", false, STANDARD_VERBS, none(), none())
            .singular("runtimeclass")
            .build(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class));
    out.add(
        t(
                "apiextensions.k8s.io",
                "CustomResourceDefinition",
                "customresourcedefinitions",
                false,
                STANDARD_VERBS,
                List.of("crd", "crds"),
                List.of("api-extensions"))
            .sub(Subresource.status("CustomResourceDefinition"))
            .build(
                io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class));
    String authn = "authentication.k8s.io";
    out.add(
        t(authn, "SelfSubjectReview", "selfsubjectreviews", false, CREATE_ONLY, none(), none())
            .build(io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview.class));
    out.add(
        t(authn, "TokenReview", "tokenreviews", false, CREATE_ONLY, none(), none())
            .build(io.fabric8.kubernetes.api.model.authentication.TokenReview.class));
    String authz = "authorization.k8s.io";
    out.add(
        t(
                authz,
                "LocalSubjectAccessReview",
                "localsubjectaccessreviews",
                true,
                CREATE_ONLY,
                none(),
                none())
            .build(
                io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview.class));
    out.add(
        t(
                authz,
                "SelfSubjectAccessReview",
                "selfsubjectaccessreviews",
                false,
                CREATE_ONLY,
                none(),
                none())
            .build(io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview.class));
    out.add(
        t(
                authz,
                "SelfSubjectRulesReview",
                "selfsubjectrulesreviews",
                false,
                CREATE_ONLY,
                none(),
                none())
            .build(io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview.class));
    out.add(
        t(authz, "SubjectAccessReview", "subjectaccessreviews", false, CREATE_ONLY, none(), none())
            .build(io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview.class));
  }

  private static List<String> none() {
    return List.of();
  }

  private static List<String> pdb() {
    return List.of("pdb");
  }

  private static List<String> pc() {
    return List.of("pc");
  }

  private static Builder t(
      String group,
      String kind,
      String plural,
      boolean namespaced,
      List<String> verbs,
      List<String> shortNames,
      List<String> categories) {
    return new Builder(group, kind, plural, namespaced, verbs, shortNames, categories);
  }

  /** Collects one built-in's description; version is always v1 for the built-ins served. */
  private static final class Builder {
    private final String group;
    private final String kind;
    private final String plural;
    private final boolean namespaced;
    private final List<String> verbs;
    private final List<String> shortNames;
    private final List<String> categories;
    private final List<Subresource> subresources = new ArrayList<>();
    private String singular;

    Builder(
        String group,
        String kind,
        String plural,
        boolean namespaced,
        List<String> verbs,
        List<String> shortNames,
        List<String> categories) {
      this.group = group;
      this.kind = kind;
      this.plural = plural;
      this.namespaced = namespaced;
      this.verbs = verbs;
      this.shortNames = shortNames;
      this.categories = categories;
      this.singular = kind.toLowerCase(Locale.ROOT);
    }

    Builder sub(Subresource s) {
      subresources.add(s);
      return this;
    }

    Builder singular(String s) {
      this.singular = s;
      return this;
    }

    ResourceType build(Class<?> modelClass) {
      return new ResourceType(
          group,
          "v1",
          kind,
          plural,
          singular,
          shortNames,
          categories,
          namespaced,
          verbs,
          subresources,
          kind + "List",
          modelClass);
    }
  }
}
