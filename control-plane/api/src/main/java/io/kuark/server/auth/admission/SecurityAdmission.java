package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.EscalationCheck;
import io.kuark.server.auth.authz.RequestScope;
import io.kuark.server.auth.node.NodeRestriction;
import java.util.ArrayList;
import java.util.List;

/**
 * The security admission steps around the model's defaulting and validation: NodeRestriction for
 * writes by node credentials, ServiceAccount admission for new pods and RBAC escalation prevention
 * for roles and bindings, then the mutating {@link AdmissionPlugin}s in order, the model's
 * defaulting and validation ({@code next}), and the validating plugins in order (ResourceQuota
 * last, as upstream).
 */
public final class SecurityAdmission implements ObjectAdmission {

  private final ObjectAdmission next;
  private final ServiceAccountAdmission serviceAccounts;
  private final EscalationCheck escalation;
  private final NodeRestriction nodeRestriction;
  private final List<AdmissionPlugin> plugins;

  /**
   * @param plugins admission plugins, in upstream's order (mutate in this order, then validate)
   */
  public SecurityAdmission(
      ObjectAdmission next,
      ServiceAccountAdmission serviceAccounts,
      EscalationCheck escalation,
      NodeRestriction nodeRestriction,
      List<AdmissionPlugin> plugins) {
    this.next = next;
    this.nodeRestriction = nodeRestriction;
    this.serviceAccounts = serviceAccounts;
    this.escalation = escalation;
    this.plugins = List.copyOf(plugins);
  }

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    nodeRestriction.admit(RequestScope.user(), type, object, old);
    if (type.group().equals("rbac.authorization.k8s.io")) {
      escalation.check(RequestScope.user(), type.plural(), object);
    } else if (old == null && type.isCore() && type.plural().equals("pods")) {
      serviceAccounts.admitCreate(object);
    }
    AdmissionAttributes a = new AdmissionAttributes(type, object, old, RequestScope.dryRun());
    for (AdmissionPlugin p : plugins) {
      p.mutate(a);
    }
    List<String> warnings = next.admit(type, object, old);
    if (plugins.isEmpty()) {
      return warnings;
    }
    List<String> all = new ArrayList<>(warnings);
    for (AdmissionPlugin p : plugins) {
      all.addAll(p.validate(a));
    }
    return all;
  }
}
