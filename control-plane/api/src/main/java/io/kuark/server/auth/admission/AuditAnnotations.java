package io.kuark.server.auth.admission;

import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authz.RequestScope;
import org.jboss.logging.Logger;

/**
 * Where admission plugins put upstream's audit annotations (such as {@code
 * pod-security.kubernetes.io/audit-violations}). Kuark keeps no audit log: {@link #LOG} writes each
 * annotation as one line of the {@code io.kuark.server.audit} log category, with the request's
 * user, resource and object, so the server log is where PodSecurity's {@code audit} mode reports.
 */
public interface AuditAnnotations {

  /** Records {@code key=value} for the request being admitted. */
  void add(AdmissionAttributes request, String key, String value);

  /** One INFO line per annotation in the {@code io.kuark.server.audit} category. */
  AuditAnnotations LOG =
      new AuditAnnotations() {
        private final Logger log = Logger.getLogger("io.kuark.server.audit");

        @Override
        public void add(AdmissionAttributes request, String key, String value) {
          UserInfo user = RequestScope.user();
          String ns = request.namespace();
          log.infof(
              "audit: user=%s verb=%s resource=%s object=%s%s %s=%s",
              user == null ? "" : user.name(),
              request.create() ? "create" : "update",
              request.type().plural(),
              ns == null || ns.isEmpty() ? "" : ns + "/",
              request.name(),
              key,
              value);
        }
      };
}
