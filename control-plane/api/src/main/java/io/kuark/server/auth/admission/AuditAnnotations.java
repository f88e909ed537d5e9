package io.kuark.server.auth.admission;

import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authz.RequestScope;
import org.jboss.logging.Logger;

/**
 * Where admission plugins put upstream's audit annotations (such as {@code
 * pod-security.kubernetes.io/audit-violations}). Kuark keeps no audit log: {@link #LOG} writes each
 * annotation as one line of the {@code io.kuark.server.audit} log category, with the request's
 * user, resource and object, so the server log is where PodSecurity's {@code audit} mode reports.
 * Annotations that every pod create carries (the enforce policy) are logged at DEBUG only: an INFO
 * line per pod told nothing and cost the create path a formatted, synchronously written log line.
 */
public interface AuditAnnotations {

  /** Records {@code key=value} for the request being admitted. */
  void add(AdmissionAttributes request, String key, String value);

  /** Annotation keys worth an INFO line: violations and exemptions, not the routine policy. */
  static boolean notable(String key) {
    return !key.endsWith("/enforce-policy");
  }

  /**
   * One line per annotation in the {@code io.kuark.server.audit} category: INFO for {@link
   * #notable} keys, DEBUG for the rest.
   */
  AuditAnnotations LOG =
      new AuditAnnotations() {
        private final Logger log = Logger.getLogger("io.kuark.server.audit");

        @Override
        public void add(AdmissionAttributes request, String key, String value) {
          Logger.Level level = notable(key) ? Logger.Level.INFO : Logger.Level.DEBUG;
          if (!log.isEnabled(level)) {
            return;
          }
          UserInfo user = RequestScope.user();
          String ns = request.namespace();
          log.logf(
              level,
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
