package io.kuark.server.apimodel.strategy;

import static io.kuark.server.apimodel.strategy.GenericStrategy.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.List;

/** Strategies for RBAC, storage, networking, policy, scheduling, node and discovery kinds. */
final class ClusterStrategies {

  private ClusterStrategies() {}

  /** Roles and ClusterRoles: every rule needs verbs. */
  static final class Role extends GenericStrategy {
    Role(ResourceType type) {
      super(type, NameRules::pathSegmentName, false);
    }

    @Override
    protected void validateObject(ObjectNode role, List<FieldError> errs) {
      JsonNode rules = role.path("rules");
      for (int i = 0; i < rules.size(); i++) {
        JsonNode r = rules.get(i);
        String p = "rules[" + i + "]";
        if (r.path("verbs").size() == 0) {
          errs.add(FieldError.required(p + ".verbs", "verbs must contain at least one value"));
        }
        boolean nonResource = r.path("nonResourceURLs").size() > 0;
        if (nonResource && type.namespaced()) {
          errs.add(
              FieldError.invalid(
                  p + ".nonResourceURLs",
                  r.path("nonResourceURLs"),
                  "namespaced rules cannot apply to non-resource URLs"));
        }
        if (nonResource && (r.path("resources").size() > 0 || r.path("apiGroups").size() > 0)) {
          errs.add(
              FieldError.invalid(
                  p + ".nonResourceURLs",
                  r.path("nonResourceURLs"),
                  "rules cannot apply to both regular resources and non-resource URLs"));
        }
        if (!nonResource && r.path("resources").size() == 0 && !type.kind().equals("ClusterRole")) {
          errs.add(
              FieldError.required(
                  p + ".resources", "resource rules must supply at least one resource"));
        }
        if (!nonResource && r.path("resources").size() > 0 && r.path("apiGroups").size() == 0) {
          errs.add(
              FieldError.required(
                  p + ".apiGroups", "resource rules must supply at least one api group"));
        }
      }
    }
  }

  /** RoleBindings and ClusterRoleBindings: roleRef kind/name, subject kinds, roleRef immutable. */
  static final class RoleBinding extends GenericStrategy {
    RoleBinding(ResourceType type) {
      super(type, NameRules::pathSegmentName, false);
    }

    @Override
    protected void defaults(ObjectNode binding) {
      for (JsonNode s : binding.path("subjects")) {
        if (s instanceof ObjectNode subject) {
          String kind = subject.path("kind").asText("");
          if (kind.equals("User") || kind.equals("Group")) {
            defaultText(subject, "apiGroup", "rbac.authorization.k8s.io");
          }
        }
      }
    }

    @Override
    protected void validateObject(ObjectNode binding, List<FieldError> errs) {
      JsonNode ref = binding.path("roleRef");
      String kind = ref.path("kind").asText("");
      List<String> kinds =
          type.kind().equals("RoleBinding")
              ? List.of("Role", "ClusterRole")
              : List.of("ClusterRole");
      if (!"rbac.authorization.k8s.io".equals(ref.path("apiGroup").asText(""))) {
        errs.add(
            FieldError.notSupported(
                "roleRef.apiGroup",
                ref.path("apiGroup").asText(""),
                List.of("rbac.authorization.k8s.io")));
      }
      if (!kinds.contains(kind)) {
        errs.add(FieldError.notSupported("roleRef.kind", kind, kinds));
      }
      String name = ref.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required("roleRef.name", null));
      } else {
        for (String m : NameRules.pathSegmentName(name)) {
          errs.add(FieldError.invalid("roleRef.name", name, m));
        }
      }
      JsonNode subjects = binding.path("subjects");
      for (int i = 0; i < subjects.size(); i++) {
        JsonNode s = subjects.get(i);
        String p = "subjects[" + i + "]";
        String sk = s.path("kind").asText("");
        if (!List.of("ServiceAccount", "User", "Group").contains(sk)) {
          errs.add(
              FieldError.notSupported(p + ".kind", sk, List.of("ServiceAccount", "User", "Group")));
        }
        if (s.path("name").asText("").isEmpty()) {
          errs.add(FieldError.required(p + ".name", null));
        }
        if (sk.equals("ServiceAccount")
            && type.kind().equals("ClusterRoleBinding")
            && s.path("namespace").asText("").isEmpty()) {
          errs.add(FieldError.required(p + ".namespace", null));
        }
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode binding, JsonNode old, List<FieldError> errs) {
      if (!binding.path("roleRef").equals(old.path("roleRef"))) {
        errs.add(FieldError.invalid("roleRef", binding.path("roleRef"), "cannot change roleRef"));
      }
    }
  }

  /** StorageClasses: provisioner required; provisioner, parameters and reclaim policy fixed. */
  static final class StorageClass extends GenericStrategy {
    StorageClass(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void defaults(ObjectNode sc) {
      defaultText(sc, "reclaimPolicy", "Delete");
      defaultText(sc, "volumeBindingMode", "Immediate");
    }

    @Override
    protected void validateObject(ObjectNode sc, List<FieldError> errs) {
      String provisioner = sc.path("provisioner").asText("");
      if (provisioner.isEmpty()) {
        errs.add(FieldError.required("provisioner", null));
      }
      String mode = sc.path("volumeBindingMode").asText("");
      if (!mode.equals("Immediate") && !mode.equals("WaitForFirstConsumer")) {
        errs.add(
            FieldError.notSupported(
                "volumeBindingMode", mode, List.of("Immediate", "WaitForFirstConsumer")));
      }
      String reclaim = sc.path("reclaimPolicy").asText("");
      if (!reclaim.equals("Delete") && !reclaim.equals("Retain")) {
        errs.add(FieldError.notSupported("reclaimPolicy", reclaim, List.of("Delete", "Retain")));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode sc, JsonNode old, List<FieldError> errs) {
      if (!sc.path("parameters").equals(old.path("parameters"))) {
        errs.add(FieldError.forbidden("parameters", "updates to parameters are forbidden."));
      }
      if (!sc.path("provisioner").equals(old.path("provisioner"))) {
        errs.add(FieldError.forbidden("provisioner", "updates to provisioner are forbidden."));
      }
      if (!sc.path("reclaimPolicy").equals(old.path("reclaimPolicy"))) {
        errs.add(FieldError.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
      }
    }
  }

  /** PriorityClasses: bounded values for user classes, default preemption policy, value fixed. */
  static final class PriorityClass extends GenericStrategy {
    PriorityClass(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void defaults(ObjectNode pc) {
      defaultText(pc, "preemptionPolicy", "PreemptLowerPriority");
    }

    @Override
    protected void validateObject(ObjectNode pc, List<FieldError> errs) {
      String name = pc.path("metadata").path("name").asText("");
      long value = pc.path("value").asLong(0);
      if (!name.startsWith("system-") && value > 1_000_000_000L) {
        errs.add(
            FieldError.forbidden(
                "value", "maximum allowed value of a user defined priority is 1000000000"));
      }
      if (name.startsWith("system-")
          && !name.equals("system-node-critical")
          && !name.equals("system-cluster-critical")) {
        errs.add(
            FieldError.forbidden(
                "metadata.name",
                "priority class names with 'system-' prefix are reserved for system use only"));
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode pc, JsonNode old, List<FieldError> errs) {
      if (!pc.path("value").equals(old.path("value"))) {
        errs.add(FieldError.forbidden("value", "may not be changed in an update."));
      }
    }
  }

  /** EndpointSlices: a supported address type, immutable. */
  static final class EndpointSlice extends GenericStrategy {
    private static final List<String> TYPES = List.of("FQDN", "IPv4", "IPv6");

    EndpointSlice(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void validateObject(ObjectNode slice, List<FieldError> errs) {
      String t = slice.path("addressType").asText("");
      if (t.isEmpty()) {
        errs.add(FieldError.required("addressType", null));
      } else if (!TYPES.contains(t)) {
        errs.add(FieldError.notSupported("addressType", t, TYPES));
      }
      JsonNode endpoints = slice.path("endpoints");
      for (int i = 0; i < endpoints.size(); i++) {
        if (endpoints.get(i).path("addresses").size() == 0) {
          errs.add(
              FieldError.required(
                  "endpoints[" + i + "].addresses", "must contain at least 1 address"));
        }
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode slice, JsonNode old, List<FieldError> errs) {
      if (!slice.path("addressType").equals(old.path("addressType"))) {
        errs.add(
            FieldError.invalid(
                "addressType", slice.path("addressType").asText(""), "field is immutable"));
      }
    }
  }

  /** PodDisruptionBudgets: minAvailable and maxUnavailable are exclusive. */
  static final class PodDisruptionBudget extends GenericStrategy {
    PodDisruptionBudget(ResourceType type) {
      super(type, true);
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      ObjectNode s = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      s.put("currentHealthy", 0);
      s.put("desiredHealthy", 0);
      s.put("disruptionsAllowed", 0);
      s.put("expectedPods", 0);
      return s;
    }

    @Override
    protected void validateObject(ObjectNode pdb, List<FieldError> errs) {
      JsonNode spec = pdb.path("spec");
      if (spec.hasNonNull("minAvailable") && spec.hasNonNull("maxUnavailable")) {
        errs.add(
            FieldError.invalid(
                "spec",
                new Selectors.RawValue("policy.PodDisruptionBudgetSpec{...}"),
                "minAvailable and maxUnavailable cannot be both set"));
      }
      if (spec.has("selector")) {
        Selectors.syntax(spec.path("selector"), "spec.selector", errs);
      }
    }
  }

  /** Ingresses: every HTTP path needs a pathType and a backend. */
  static final class Ingress extends GenericStrategy {
    private static final List<String> PATH_TYPES =
        List.of("Exact", "ImplementationSpecific", "Prefix");

    Ingress(ResourceType type) {
      super(type, true);
    }

    @Override
    protected JsonNode initialStatus(ObjectNode object) {
      ObjectNode s = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      s.putObject("loadBalancer");
      return s;
    }

    @Override
    protected void validateObject(ObjectNode ing, List<FieldError> errs) {
      JsonNode rules = ing.path("spec").path("rules");
      for (int i = 0; i < rules.size(); i++) {
        JsonNode paths = rules.get(i).path("http").path("paths");
        for (int j = 0; j < paths.size(); j++) {
          String p = "spec.rules[" + i + "].http.paths[" + j + "]";
          String pathType = paths.get(j).path("pathType").asText("");
          if (pathType.isEmpty()) {
            errs.add(FieldError.required(p + ".pathType", "pathType must be specified"));
          } else if (!PATH_TYPES.contains(pathType)) {
            errs.add(FieldError.notSupported(p + ".pathType", pathType, PATH_TYPES));
          }
          if (!paths.get(j).path("backend").isObject()) {
            errs.add(FieldError.required(p + ".backend", null));
          }
        }
      }
      if (rules.size() == 0 && !ing.path("spec").path("defaultBackend").isObject()) {
        errs.add(
            FieldError.invalid(
                "spec",
                new Selectors.RawValue("networking.IngressSpec{...}"),
                "either `defaultBackend` or `rules` must be specified"));
      }
    }
  }

  /** RuntimeClasses: handler is a DNS label and never changes. */
  static final class RuntimeClass extends GenericStrategy {
    RuntimeClass(ResourceType type) {
      super(type, false);
    }

    @Override
    protected void validateObject(ObjectNode rc, List<FieldError> errs) {
      String handler = rc.path("handler").asText("");
      if (handler.isEmpty()) {
        errs.add(FieldError.required("handler", null));
      } else {
        for (String m : NameRules.dns1123Label(handler)) {
          errs.add(FieldError.invalid("handler", handler, m));
        }
      }
    }

    @Override
    protected void validateObjectUpdate(ObjectNode rc, JsonNode old, List<FieldError> errs) {
      if (!rc.path("handler").equals(old.path("handler"))) {
        errs.add(
            FieldError.invalid("handler", rc.path("handler").asText(""), "field is immutable"));
      }
    }
  }
}
