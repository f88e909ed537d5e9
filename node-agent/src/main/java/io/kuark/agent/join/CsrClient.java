package io.kuark.agent.join;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Asks the cluster for a node certificate through a CertificateSigningRequest and waits for the
 * signed certificate, as the kubelet's certificate manager does.
 */
public final class CsrClient {

  public static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
  public static final String SERVING_SIGNER = "kubernetes.io/kubelet-serving";

  private static final Logger LOG = Logger.getLogger(CsrClient.class);

  private CsrClient() {}

  /**
   * Creates the request for {@code key} and waits up to {@code wait} for its certificate.
   *
   * @param names alternative names (serving certificates), empty for client certificates
   * @throws JoinException when the request is refused, denied, fails or is not signed in time
   */
  public static X509Certificate request(
      KubernetesClient client,
      KeyPair key,
      String nodeName,
      boolean serving,
      List<String> names,
      Duration wait)
      throws JoinException {
    List<String> usages = List.of("digital signature", serving ? "server auth" : "client auth");
    CertificateSigningRequest csr =
        new CertificateSigningRequestBuilder()
            .withNewMetadata()
            .withGenerateName("node-csr-" + nodeName + "-")
            .endMetadata()
            .withNewSpec()
            .withRequest(
                Base64.getEncoder()
                    .encodeToString(
                        NodeKeys.requestPem(key, nodeName, names).getBytes(StandardCharsets.UTF_8)))
            .withSignerName(serving ? SERVING_SIGNER : CLIENT_SIGNER)
            .withUsages(usages)
            .endSpec()
            .build();
    String name;
    try {
      name =
          client
              .certificates()
              .v1()
              .certificateSigningRequests()
              .resource(csr)
              .create()
              .getMetadata()
              .getName();
    } catch (KubernetesClientException e) {
      throw new JoinException(
          "the server refused the certificate signing request (HTTP "
              + e.getCode()
              + "): "
              + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()),
          e);
    }
    LOG.infof("waiting for CertificateSigningRequest %s to be approved and signed", name);
    CertificateSigningRequest done;
    try {
      done =
          client
              .certificates()
              .v1()
              .certificateSigningRequests()
              .withName(name)
              .waitUntilCondition(
                  c -> c == null || finished(c), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException e) {
      throw new JoinException(
          "CertificateSigningRequest "
              + name
              + " was not signed within "
              + wait.toSeconds()
              + " s; an administrator can approve it: kubectl certificate approve "
              + name,
          e);
    }
    if (done == null) {
      throw new JoinException("CertificateSigningRequest " + name + " was deleted");
    }
    for (CertificateSigningRequestCondition c : conditions(done)) {
      if (c.getType().equals("Denied") || c.getType().equals("Failed")) {
        throw new JoinException(
            "CertificateSigningRequest "
                + name
                + " "
                + c.getType().toLowerCase()
                + ": "
                + c.getMessage());
      }
    }
    try {
      return NodeKeys.readCertificate(
          new String(
              Base64.getDecoder().decode(done.getStatus().getCertificate()),
              StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new JoinException(
          "CertificateSigningRequest " + name + " holds no usable certificate", e);
    }
  }

  private static boolean finished(CertificateSigningRequest c) {
    if (c.getStatus() == null) {
      return false;
    }
    String cert = c.getStatus().getCertificate();
    if (cert != null && !cert.isEmpty()) {
      return true;
    }
    for (CertificateSigningRequestCondition cond : conditions(c)) {
      if (cond.getType().equals("Denied") || cond.getType().equals("Failed")) {
        return true;
      }
    }
    return false;
  }

  private static List<CertificateSigningRequestCondition> conditions(CertificateSigningRequest c) {
    return c.getStatus() == null || c.getStatus().getConditions() == null
        ? List.of()
        : c.getStatus().getConditions();
  }
}
