package io.kuark.server.auth.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authz.Attributes;
import io.kuark.server.auth.authz.Authorizer;
import io.kuark.server.auth.pki.CertificateRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which CertificateSigningRequests to approve on its own, as upstream's csrapproving
 * controller does, plus node serving certificates (which upstream leaves to an external approver,
 * k3s signs them directly):
 *
 * <ul>
 *   <li>{@code kube-apiserver-client-kubelet}: a node client request (see {@link NodeCsrShapes})
 *       whose requester may {@code create certificatesigningrequests/selfnodeclient} (renewal: the
 *       requester is the node named in the request) or {@code .../nodeclient} (first join, e.g.
 *       {@code system:bootstrappers}), checked as a SubjectAccessReview against the authorizer;
 *   <li>{@code kubelet-serving}: a node serving request made by that very node ({@code
 *       system:node:<name>} in {@code system:nodes}).
 * </ul>
 *
 * Anything else is left pending for an administrator ({@code kubectl certificate approve}).
 */
public final class CsrApprover {

  private final Authorizer authorizer;

  public CsrApprover(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** The reason to approve {@code csr} with, or empty to leave it alone. */
  public Optional<String> decide(JsonNode csr) {
    JsonNode spec = csr.path("spec");
    CertificateRequest request;
    try {
      request = CertificateRequest.parsePem(CsrSigner.requestPem(csr));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    UserInfo requester = requester(spec);
    String signer = spec.path("signerName").asText();
    if (signer.equals(NodeCsrShapes.KUBELET_CLIENT)) {
      if (NodeCsrShapes.clientProblem(request, spec.path("usages")).isPresent()) {
        return Optional.empty();
      }
      boolean self = requester.name().equals(request.commonName());
      if (self && allowed(requester, "selfnodeclient")) {
        return Optional.of(
            "Auto approving self kubelet client certificate after SubjectAccessReview.");
      }
      if (allowed(requester, "nodeclient")) {
        return Optional.of("Auto approving kubelet client certificate after SubjectAccessReview.");
      }
      return Optional.empty();
    }
    if (signer.equals(NodeCsrShapes.KUBELET_SERVING)) {
      if (NodeCsrShapes.servingProblem(request, spec.path("usages")).isPresent()
          || !requester.name().equals(request.commonName())
          || !requester.inGroup(NodeCsrShapes.NODES_GROUP)) {
        return Optional.empty();
      }
      return Optional.of(
          "Auto approving kubelet serving certificate requested by the node itself.");
    }
    return Optional.empty();
  }

  private boolean allowed(UserInfo user, String subresource) {
    Attributes a =
        new Attributes(
            user,
            "create",
            true,
            "",
            "certificates.k8s.io",
            "v1",
            "certificatesigningrequests",
            subresource,
            "",
            "");
    return authorizer.authorize(a).allowed();
  }

  /** The requester recorded in the spec at create time. */
  static UserInfo requester(JsonNode spec) {
    List<String> groups = new ArrayList<>();
    for (JsonNode g : spec.path("groups")) {
      groups.add(g.asText());
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    spec.path("extra")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              extra.put(e.getKey(), values);
            });
    return new UserInfo(
        spec.path("username").asText(""), spec.path("uid").asText(""), groups, extra);
  }
}
