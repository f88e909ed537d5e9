package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.EscalationCheck;
import io.kuark.server.auth.authz.RequestScope;
import io.kuark.server.auth.node.NodeRestriction;
import java.util.List;

/**
 * The security admission steps in front of the model's defaulting and validation: NodeRestriction
 * for writes by node credentials, ServiceAccount admission for new pods, and RBAC escalation
 * prevention for roles and bindings.
 */
public final class SecurityAdmission implements ObjectAdmission {

  private final ObjectAdmission next;
  private final ServiceAccountAdmission serviceAccounts;
  private final EscalationCheck escalation;
  private final NodeRestriction nodeRestriction;

  public SecurityAdmission(
      ObjectAdmission next,
      ServiceAccountAdmission serviceAccounts,
      EscalationCheck escalation,
      NodeRestriction nodeRestriction) {
    this.next = next;
    this.nodeRestriction = nodeRestriction;
    this.serviceAccounts = serviceAccounts;
    this.escalation = escalation;
  }

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    nodeRestriction.admit(RequestScope.user(), type, object, old);
    if (type.group().equals("rbac.authorization.k8s.io")) {
      escalation.check(RequestScope.user(), type.plural(), object);
    } else if (old == null && type.isCore() && type.plural().equals("pods")) {
      serviceAccounts.admitCreate(object);
    }
    return next.admit(type, object, old);
  }
}
