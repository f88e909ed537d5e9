package io.kuark.server.auth.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.Attributes;
import io.kuark.server.auth.authz.Authorizer;
import io.kuark.server.auth.authz.RequestScope;
import java.util.List;
import java.util.Objects;

/**
 * Upstream's {@code CertificateApproval} and {@code CertificateSigning} admission plugins: a write
 * to a CertificateSigningRequest's {@code approval} subresource needs the {@code approve} verb, and
 * a {@code status} write that sets or changes {@code status.certificate} needs {@code sign}, on
 * {@code signers} ({@code certificates.k8s.io}) named after the request's {@code signerName}, or on
 * its domain wildcard ({@code kubernetes.io/*}). Without them: 403. Server-internal writes (the
 * built-in approver and signer) have no user and pass. Everything else goes to {@code next}.
 */
public final class CsrSubresourceAdmission implements ObjectAdmission {

  private static final String GROUP = "certificates.k8s.io";

  private final ObjectAdmission next;
  private final Authorizer authorizer;

  public CsrSubresourceAdmission(ObjectAdmission next, Authorizer authorizer) {
    this.next = next;
    this.authorizer = authorizer;
  }

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    return next.admit(type, object, old);
  }

  @Override
  public void admitSubresource(
      ResourceType type, String subresource, ObjectNode object, ObjectNode old) {
    next.admitSubresource(type, subresource, object, old);
    UserInfo user = RequestScope.user();
    if (user == null
        || !type.group().equals(GROUP)
        || !type.plural().equals("certificatesigningrequests")) {
      return;
    }
    String signer = object.path("spec").path("signerName").asText("");
    if (subresource.equals("approval")) {
      require(user, "approve", signer, type, object);
    } else if (subresource.equals("status")
        && !Objects.equals(
            object.path("status").path("certificate").asText(""),
            old.path("status").path("certificate").asText(""))) {
      require(user, "sign", signer, type, object);
    }
  }

  private void require(
      UserInfo user, String verb, String signer, ResourceType type, ObjectNode csr) {
    if (allowed(user, verb, signer)) {
      return;
    }
    int slash = signer.indexOf('/');
    if (slash > 0 && allowed(user, verb, signer.substring(0, slash) + "/*")) {
      return;
    }
    throw Statuses.forbidden(
        type,
        Meta.name(csr),
        "user not permitted to " + verb + " requests with signerName \"" + signer + "\"");
  }

  private boolean allowed(UserInfo user, String verb, String name) {
    Attributes a = new Attributes(user, verb, true, "", GROUP, "*", "signers", "", name, "");
    return authorizer.authorize(a).allowed();
  }
}
