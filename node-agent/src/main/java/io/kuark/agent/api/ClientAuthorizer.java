package io.kuark.agent.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.api.auth.AccessReviewer;
import io.kuark.agent.api.auth.ApiAccessReviewer;
import io.kuark.agent.api.auth.ApiTokenReviewer;
import io.kuark.agent.api.auth.CachingAccessReviewer;
import io.kuark.agent.api.auth.CachingTokenReviewer;
import io.kuark.agent.api.auth.Caller;
import io.kuark.agent.api.auth.ClientCertificateAuthenticator;
import io.kuark.agent.api.auth.KubeletAttributes;
import io.kuark.agent.api.auth.TokenReviewer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Authenticates and authorizes agent API requests as upstream's kubelet does in webhook mode: a
 * client certificate from the cluster CA, else a bearer token the API server vouches for
 * (TokenReview); then one SubjectAccessReview per request for the node's {@code
 * nodes/<subresource>} ({@link KubeletAttributes}). No anonymous access. Blocks on the API server:
 * call it off the event loop.
 */
public final class ClientAuthorizer {

  private static final Logger LOG = Logger.getLogger(ClientAuthorizer.class);

  /** Outcome of a check: 200 (allowed), 401, 403 or 500, with the caller's name for messages. */
  public record Decision(int code, String user, String message) {
    boolean allowed() {
      return code == 200;
    }
  }

  private final ClientCertificateAuthenticator certificates;
  private final TokenReviewer tokens;
  private final AccessReviewer access;
  private final String nodeName;

  public ClientAuthorizer(
      ClientCertificateAuthenticator certificates,
      TokenReviewer tokens,
      AccessReviewer access,
      String nodeName) {
    this.certificates = certificates;
    this.tokens = tokens;
    this.access = access;
    this.nodeName = nodeName;
  }

  /**
   * Reviews through the agent's own API client (which needs {@code create} on tokenreviews and
   * subjectaccessreviews, as {@code system:node} has), with upstream's cache lifetimes; trusts
   * client certificates from the CA in the client's configuration.
   */
  public static ClientAuthorizer forCluster(KubernetesClient client, String nodeName, Clock clock)
      throws IOException {
    return new ClientAuthorizer(
        new ClientCertificateAuthenticator(clusterAuthorities(client.getConfiguration())),
        new CachingTokenReviewer(
            new ApiTokenReviewer(client), CachingTokenReviewer.DEFAULT_TTL, clock),
        new CachingAccessReviewer(new ApiAccessReviewer(client), clock),
        nodeName);
  }

  /**
   * The cluster CA of the agent's client configuration ({@code certificate-authority-data} or the
   * file it names); without one (a plain-HTTP test API server) no certificate is trusted.
   */
  static List<X509Certificate> clusterAuthorities(Config config) throws IOException {
    byte[] pem;
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      pem = Base64.getDecoder().decode(config.getCaCertData().trim());
    } else if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
      pem = Files.readAllBytes(Path.of(config.getCaCertFile()));
    } else {
      LOG.warn("the kubeconfig names no certificate authority: no client certificate is trusted");
      return List.of();
    }
    return parse(pem);
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
    return certificates.acceptedIssuers();
  }

  /**
   * Decides one request.
   *
   * @param chain the client's certificate chain (null or empty: none)
   * @param authorization the {@code Authorization} header, or null
   * @param method HTTP method
   * @param path request path without query
   * @return 401 without a valid certificate or token, 403 when the API server denies the request,
   *     500 when it could not be asked, 200 otherwise
   */
  public Decision decide(Certificate[] chain, String authorization, String method, String path) {
    Optional<Caller> caller = certificates.authenticate(chain);
    if (caller.isEmpty()) {
      String token = bearerToken(authorization);
      if (token != null) {
        try {
          caller = tokens.review(token);
        } catch (IOException e) {
          LOG.warnf("cannot authenticate an agent API request: %s", e.getMessage());
        }
      }
    }
    if (caller.isEmpty()) {
      return new Decision(401, null, "Unauthorized");
    }
    String user = caller.get().name();
    KubeletAttributes attributes = KubeletAttributes.of(method, path, nodeName);
    try {
      if (access.allowed(caller.get(), attributes)) {
        return new Decision(200, user, "OK");
      }
    } catch (IOException e) {
      LOG.warnf("cannot authorize an agent API request: %s", e.getMessage());
      return new Decision(500, user, "Authorization error (" + attributes.describe(user) + ")");
    }
    return new Decision(403, user, "Forbidden (" + attributes.describe(user) + ")");
  }

  /** The token of {@code Authorization: Bearer <token>}, or null. */
  static String bearerToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String[] parts = authorization.trim().split("\\s+");
    if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
      return null;
    }
    return parts[1];
  }
}
