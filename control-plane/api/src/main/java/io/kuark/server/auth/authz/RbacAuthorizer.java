package io.kuark.server.auth.authz;

import io.kuark.server.api.http.UserInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's RBAC authorizer: a request is allowed when a rule of a role bound to the user allows
 * it. ClusterRoleBindings apply everywhere; RoleBindings only in their namespace. Members of {@code
 * system:masters} are allowed everything without consulting RBAC (as upstream's privileged-group
 * authorizer does), so the admin and the in-process loops keep working whatever the RBAC objects
 * say.
 */
public final class RbacAuthorizer implements Authorizer {

  public static final String MASTERS = "system:masters";

  private final RbacData data;

  public RbacAuthorizer(RbacData data) {
    this.data = data;
  }

  @Override
  public Decision authorize(Attributes a) {
    if (a.user().inGroup(MASTERS)) {
      return Decision.ALLOW;
    }
    for (Binding b : data.clusterRoleBindings()) {
      if (b.appliesTo(a.user()) && RuleEvaluator.allows(rules(b), a)) {
        return Decision.ALLOW;
      }
    }
    if (!a.namespace().isEmpty()) {
      for (Binding b : data.roleBindings(a.namespace())) {
        if (b.appliesTo(a.user()) && RuleEvaluator.allows(rules(b), a)) {
          return Decision.ALLOW;
        }
      }
    }
    return Decision.NO_OPINION;
  }

  /**
   * Every rule that applies to {@code user} in {@code namespace} ("" for cluster-wide rules only).
   * Members of {@code system:masters} get the all-allowing rules.
   */
  public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
    List<PolicyRule> out = new ArrayList<>();
    if (user.inGroup(MASTERS)) {
      out.add(PolicyRule.resource(List.of("*"), List.of("*"), List.of("*")));
      out.add(PolicyRule.urls(List.of("*"), List.of("*")));
      return out;
    }
    for (Binding b : data.clusterRoleBindings()) {
      if (b.appliesTo(user)) {
        out.addAll(rules(b));
      }
    }
    if (!namespace.isEmpty()) {
      for (Binding b : data.roleBindings(namespace)) {
        if (b.appliesTo(user)) {
          out.addAll(rules(b));
        }
      }
    }
    return out;
  }

  /** The rules of the role {@code b} refers to (none when the role does not exist). */
  List<PolicyRule> rules(Binding b) {
    return rolesRules(b.roleKind(), b.namespace(), b.roleName());
  }

  /** Rules of a Role ({@code kind} Role, in {@code namespace}) or ClusterRole; empty if missing. */
  public List<PolicyRule> rolesRules(String kind, String namespace, String name) {
    if (kind.equals("ClusterRole")) {
      return data.clusterRoleRules(name);
    }
    return kind.equals("Role") && !namespace.isEmpty()
        ? data.roleRules(namespace, name)
        : List.of();
  }
}
