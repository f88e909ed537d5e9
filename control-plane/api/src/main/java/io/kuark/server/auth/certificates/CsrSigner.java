package io.kuark.server.auth.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.auth.pki.CertificateAuthority;
import io.kuark.server.auth.pki.CertificateRequest;
import io.kuark.server.auth.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Signs approved CertificateSigningRequests for the signers the cluster CA serves ({@code
 * kube-apiserver-client-kubelet}, {@code kubelet-serving}, {@code kube-apiserver-client}), as
 * upstream's csrsigning controller does: the request is checked again against the signer's rules,
 * the certificate lasts {@code spec.expirationSeconds} or at most 365 days.
 */
public final class CsrSigner {

  /** What signing produced: a certificate (PEM) or why the signer refuses. */
  public sealed interface Outcome {
    record Signed(String certificatePem) implements Outcome {}

    record Failed(String reason) implements Outcome {}
  }

  private final CertificateAuthority ca;

  public CsrSigner(CertificateAuthority ca) {
    this.ca = ca;
  }

  /** Whether this signer handles {@code signerName}. */
  public static boolean serves(String signerName) {
    return signerName.equals(NodeCsrShapes.KUBELET_CLIENT)
        || signerName.equals(NodeCsrShapes.KUBELET_SERVING)
        || signerName.equals(NodeCsrShapes.API_CLIENT);
  }

  /** Signs {@code csr} (approved, for a signer this class {@link #serves}). */
  public Outcome sign(JsonNode csr) {
    JsonNode spec = csr.path("spec");
    CertificateRequest request;
    try {
      request = CertificateRequest.parsePem(requestPem(csr));
    } catch (IllegalArgumentException e) {
      return new Outcome.Failed(e.getMessage());
    }
    String signer = spec.path("signerName").asText();
    Optional<String> problem;
    boolean serving = false;
    switch (signer) {
      case NodeCsrShapes.KUBELET_CLIENT:
        problem = NodeCsrShapes.clientProblem(request, spec.path("usages"));
        break;
      case NodeCsrShapes.KUBELET_SERVING:
        problem = NodeCsrShapes.servingProblem(request, spec.path("usages"));
        serving = true;
        break;
      default:
        problem = apiClientProblem(request, spec.path("usages"));
        break;
    }
    if (problem.isPresent()) {
      return new Outcome.Failed(problem.get());
    }
    Duration validity = CertificateAuthority.VALIDITY;
    long seconds = spec.path("expirationSeconds").asLong(0);
    if (seconds > 0) {
      validity = Duration.ofSeconds(seconds);
    }
    X509Certificate cert = ca.sign(request, serving, validity);
    return new Outcome.Signed(Pem.encode(cert));
  }

  private static Optional<String> apiClientProblem(CertificateRequest request, JsonNode usages) {
    for (JsonNode u : usages) {
      String usage = u.asText();
      if (!usage.equals("client auth")
          && !usage.equals("digital signature")
          && !usage.equals("key encipherment")) {
        return Optional.of(
            "usage \"" + usage + "\" is not allowed for " + NodeCsrShapes.API_CLIENT);
      }
    }
    if (request.commonName().isEmpty()) {
      return Optional.of("the subject must have a CN");
    }
    return Optional.empty();
  }

  /** The PEM text of {@code spec.request}. */
  static String requestPem(JsonNode csr) {
    try {
      return new String(
          Base64.getDecoder().decode(csr.path("spec").path("request").asText("")),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
