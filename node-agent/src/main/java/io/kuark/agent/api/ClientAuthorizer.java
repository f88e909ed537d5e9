package io.kuark.agent.api;

import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Authenticates agent API callers by their client certificate (signed by the cluster CA) and
 * authorizes them: members of {@code system:masters} and the API server's kubelet client ({@code
 * CN=kube-apiserver-kubelet-client}) may use every endpoint, nobody else may.
 */
public final class ClientAuthorizer {

  /** The API server's identity towards kubelets. */
  public static final String KUBELET_CLIENT_CN = "kube-apiserver-kubelet-client";

  /** Outcome of a check: 200 (allowed), 401 or 403, with the user for messages. */
  public record Decision(int code, String user, String message) {
    boolean allowed() {
      return code == 200;
    }
  }

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(ClientAuthorizer.class);

  private final List<X509Certificate> authorities;

  /** With no authority every request is refused with 401. */
  public ClientAuthorizer(List<X509Certificate> authorities) {
    this.authorities = List.copyOf(authorities);
  }

  /**
   * The cluster CA of the agent's client configuration ({@code certificate-authority-data} or the
   * file it names); without one (a plain-HTTP test API server) nobody is authenticated.
   */
  public static ClientAuthorizer fromClientConfig(Config config) throws IOException {
    byte[] pem;
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      pem = Base64.getDecoder().decode(config.getCaCertData().trim());
    } else if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
      pem = Files.readAllBytes(Path.of(config.getCaCertFile()));
    } else {
      LOG.warn("the kubeconfig names no certificate authority: the agent API refuses everyone");
      return new ClientAuthorizer(List.of());
    }
    return new ClientAuthorizer(parse(pem));
  }

  /** Certificates in PEM or DER. */
  public static List<X509Certificate> parse(byte[] pem) throws IOException {
    try {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))) {
        certificates.add((X509Certificate) c);
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable certificate authority: " + e.getMessage(), e);
    }
  }

  /** The authorities clients should pick their certificate for (TLS certificate request). */
  X509Certificate[] acceptedIssuers() {
    return authorities.toArray(new X509Certificate[0]);
  }

  /**
   * Decides for the certificate chain a client presented (null or empty: none).
   *
   * @return 401 when there is no valid certificate from the cluster CA, 403 when its subject may
   *     not use the agent API, 200 otherwise
   */
  public Decision decide(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return new Decision(401, null, "Unauthorized");
    }
    if (!signedByAuthority(leaf)) {
      return new Decision(401, null, "Unauthorized");
    }
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    String cn = first(subject, BCStyle.CN);
    List<String> groups = all(subject, BCStyle.O);
    if (KUBELET_CLIENT_CN.equals(cn) || groups.contains("system:masters")) {
      return new Decision(200, cn, "OK");
    }
    return new Decision(
        403, cn, "Forbidden (user=" + cn + ", verb=get, resource=nodes, subresource=proxy)");
  }

  private boolean signedByAuthority(X509Certificate leaf) {
    try {
      leaf.checkValidity();
    } catch (GeneralSecurityException e) {
      return false;
    }
    for (X509Certificate authority : authorities) {
      if (!authority.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
        continue;
      }
      try {
        leaf.verify(authority.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // try the next authority with the same name
      }
    }
    return false;
  }

  private static String first(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = all(name, type);
    return values.isEmpty() ? null : values.get(0);
  }

  private static List<String> all(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : name.getRDNs(type)) {
      values.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return values;
  }
}
