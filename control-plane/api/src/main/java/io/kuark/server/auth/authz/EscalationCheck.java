package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.UserInfo;
import java.util.List;

/**
 * RBAC escalation prevention (upstream's policybased storage): writing a Role or ClusterRole needs
 * the {@code escalate} verb on it or holding every rule it grants; writing a binding needs the
 * {@code bind} verb on the referenced role or holding every rule of that role. {@code
 * system:masters} and server-internal writes are exempt.
 */
public final class EscalationCheck {

  private static final String GROUP = "rbac.authorization.k8s.io";
  private static final List<PolicyRule> FULL =
      List.of(
          PolicyRule.resource(List.of("*"), List.of("*"), List.of("*")),
          PolicyRule.urls(List.of("*"), List.of("*")));

  private final RbacAuthorizer rbac;

  public EscalationCheck(RbacAuthorizer rbac) {
    this.rbac = rbac;
  }

  /**
   * @param plural roles, clusterroles, rolebindings or clusterrolebindings
   * @param object the object about to be written
   * @throws ApiException 403 when the write would grant permissions the user lacks
   */
  public void check(UserInfo user, String plural, ObjectNode object) {
    if (user == null || user.inGroup(RbacAuthorizer.MASTERS)) {
      return;
    }
    String namespace = object.path("metadata").path("namespace").asText("");
    String name = object.path("metadata").path("name").asText("");
    switch (plural) {
      case "roles", "clusterroles" -> checkRole(user, plural, namespace, name, object);
      case "rolebindings", "clusterrolebindings" ->
          checkBinding(user, plural, namespace, name, object);
      default -> {}
    }
  }

  private void checkRole(UserInfo user, String plural, String ns, String name, ObjectNode role) {
    if (allowed(user, "escalate", plural, ns, name)) {
      return;
    }
    List<PolicyRule> owner = rbac.rulesFor(user, ns);
    if (role.path("aggregationRule").isObject() && !RuleCoverage.uncovered(owner, FULL).isEmpty()) {
      throw forbidden(
          plural, name, "must have cluster-admin privileges to write aggregated cluster roles");
    }
    List<PolicyRule> missing =
        RuleCoverage.uncovered(owner, PolicyRule.listFromJson(role.path("rules")));
    if (!missing.isEmpty()) {
      throw forbidden(plural, name, notHeld(user, missing));
    }
  }

  private void checkBinding(
      UserInfo user, String plural, String ns, String name, ObjectNode binding) {
    String kind = binding.path("roleRef").path("kind").asText("");
    String roleName = binding.path("roleRef").path("name").asText("");
    String rolePlural = kind.equals("Role") ? "roles" : "clusterroles";
    if (allowed(user, "bind", rolePlural, ns, roleName)) {
      return;
    }
    List<PolicyRule> missing =
        RuleCoverage.uncovered(rbac.rulesFor(user, ns), rbac.rolesRules(kind, ns, roleName));
    if (!missing.isEmpty()) {
      throw forbidden(plural, name, notHeld(user, missing));
    }
  }

  private boolean allowed(UserInfo user, String verb, String plural, String ns, String name) {
    Attributes a = new Attributes(user, verb, true, ns, GROUP, "v1", plural, "", name, "");
    return rbac.authorize(a).allowed();
  }

  private static ApiException forbidden(String plural, String name, String why) {
    return Forbidden.status(GROUP, plural, name, why);
  }

  /** Upstream's wording, with the missing rules in its compact form. */
  static String notHeld(UserInfo user, List<PolicyRule> missing) {
    StringBuilder b = new StringBuilder();
    b.append("user ")
        .append(Forbidden.quote(user.name()))
        .append(" (groups=")
        .append(quoted(user.groups()))
        .append(") is attempting to grant RBAC permissions not currently held:");
    for (PolicyRule r : missing) {
      b.append("\n{");
      if (!r.nonResourceURLs().isEmpty()) {
        b.append("NonResourceURLs:").append(quoted(r.nonResourceURLs()));
      } else {
        b.append("APIGroups:").append(quoted(r.apiGroups()));
        b.append(", Resources:").append(quoted(r.resources()));
        if (!r.resourceNames().isEmpty()) {
          b.append(", ResourceNames:").append(quoted(r.resourceNames()));
        }
      }
      b.append(", Verbs:").append(quoted(r.verbs())).append("}");
    }
    return b.toString();
  }

  private static String quoted(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(Forbidden.quote(values.get(i)));
    }
    return b.append(']').toString();
  }
}
