package io.kuark.server.auth.pki;

import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The server's certificates, kept under {@code DATA/server/tls/}: the cluster CA ({@code ca.crt},
 * {@code ca.key}), the API serving certificate ({@code serving.crt/.key}) and the admin client
 * certificate ({@code client-admin.crt/.key}, CN=admin, O=system:masters), the client certificate
 * the API server presents to node agents ({@code client-kubelet.crt/.key},
 * CN=kube-apiserver-kubelet-client, O=system:masters), the in-process controllers' and scheduler's
 * client certificates ({@code client-controller-manager}, CN=system:kube-controller-manager; {@code
 * client-scheduler}, CN=system:kube-scheduler; no groups, so RBAC limits them), and the service
 * account token signing key ({@code service-account.key}). Created on first start and reused
 * afterwards; a leaf certificate is re-issued when it expires within 90 days or, for the serving
 * certificate, when it lacks one of the wanted names. Keys are written with mode 0600.
 */
public final class ClusterPki {

  private static final Logger LOG = Logger.getLogger(ClusterPki.class);
  static final Duration RENEW_BEFORE = Duration.ofDays(90);

  /** The user name node agents accept from the API server, as upstream's kubeadm names it. */
  public static final String KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";

  private final CertificateAuthority ca;
  private final IssuedCertificate serving;
  private final IssuedCertificate admin;
  private final IssuedCertificate kubeletClient;
  private final java.security.KeyPair serviceAccountKey;
  private final IssuedCertificate controllerManager;
  private final IssuedCertificate scheduler;

  /** The user names the in-process control-plane loops authenticate as (upstream's). */
  public static final String CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

  public static final String SCHEDULER_USER = "system:kube-scheduler";

  private ClusterPki(
      CertificateAuthority ca,
      IssuedCertificate serving,
      IssuedCertificate admin,
      IssuedCertificate kubeletClient,
      java.security.KeyPair serviceAccountKey,
      IssuedCertificate controllerManager,
      IssuedCertificate scheduler) {
    this.ca = ca;
    this.serving = serving;
    this.admin = admin;
    this.kubeletClient = kubeletClient;
    this.serviceAccountKey = serviceAccountKey;
    this.controllerManager = controllerManager;
    this.scheduler = scheduler;
  }

  /**
   * Loads the certificates from {@code tlsDir}, creating or renewing what is missing or due.
   *
   * @param sans names the serving certificate must carry
   */
  public static ClusterPki loadOrCreate(Path tlsDir, ServingNames sans) {
    CertificateAuthority ca = loadOrCreateCa(tlsDir);
    IssuedCertificate serving =
        loadLeaf(tlsDir, "serving", ca)
            .filter(cert -> covers(cert.certificate(), sans))
            .orElseGet(
                () ->
                    store(
                        tlsDir,
                        "serving",
                        ca.issueServing("kuark-apiserver", sans.dnsNames(), sans.ips())));
    IssuedCertificate admin =
        loadLeaf(tlsDir, "client-admin", ca)
            .orElseGet(
                () ->
                    store(
                        tlsDir,
                        "client-admin",
                        ca.issueClient("admin", List.of("system:masters"))));
    IssuedCertificate kubeletClient =
        loadLeaf(tlsDir, "client-kubelet", ca)
            .orElseGet(
                () ->
                    store(
                        tlsDir,
                        "client-kubelet",
                        ca.issueClient(KUBELET_CLIENT_USER, List.of("system:masters"))));
    return new ClusterPki(
        ca,
        serving,
        admin,
        kubeletClient,
        io.kuark.server.auth.authn.ServiceAccountKey.loadOrCreate(tlsDir),
        client(tlsDir, "client-controller-manager", ca, CONTROLLER_MANAGER_USER),
        client(tlsDir, "client-scheduler", ca, SCHEDULER_USER));
  }

  /** A client certificate without groups: the user's own RBAC bindings decide what it may do. */
  private static IssuedCertificate client(
      Path dir, String file, CertificateAuthority ca, String user) {
    return loadLeaf(dir, file, ca)
        .orElseGet(() -> store(dir, file, ca.issueClient(user, List.of())));
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public IssuedCertificate serving() {
    return serving;
  }

  public IssuedCertificate admin() {
    return admin;
  }

  /** The client certificate for requests to node agents (logs, exec, attach, port-forward). */
  public IssuedCertificate kubeletClient() {
    return kubeletClient;
  }

  /**
   * The controllers' client certificate ({@code client-controller-manager.crt/.key},
   * CN=system:kube-controller-manager, no groups).
   */
  public IssuedCertificate controllerManager() {
    return controllerManager;
  }

  /**
   * The scheduler's client certificate ({@code client-scheduler.crt/.key},
   * CN=system:kube-scheduler).
   */
  public IssuedCertificate scheduler() {
    return scheduler;
  }

  /** The key pair service account tokens are signed with ({@code service-account.key}). */
  public java.security.KeyPair serviceAccountKey() {
    return serviceAccountKey;
  }

  private static CertificateAuthority loadOrCreateCa(Path dir) {
    Path crt = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (Files.exists(crt) && Files.exists(key)) {
      return new CertificateAuthority(
          Pem.certificate(SecureFiles.read(crt)), Pem.privateKey(SecureFiles.read(key)));
    }
    LOG.infof("creating cluster CA in %s", dir);
    CertificateAuthority ca =
        CertificateAuthority.create("kuark-ca@" + Instant.now().getEpochSecond());
    SecureFiles.writePrivate(key, Pem.encode(ca.key()));
    SecureFiles.writePublic(crt, Pem.encode(ca.certificate()));
    return ca;
  }

  private static java.util.Optional<IssuedCertificate> loadLeaf(
      Path dir, String name, CertificateAuthority ca) {
    Path crt = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    if (!Files.exists(crt) || !Files.exists(key)) {
      return java.util.Optional.empty();
    }
    X509Certificate cert = Pem.certificate(SecureFiles.read(crt));
    boolean due = cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    if (due || !ca.signed(cert)) {
      LOG.infof("renewing certificate %s", crt);
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new IssuedCertificate(cert, Pem.privateKey(SecureFiles.read(key))));
  }

  private static IssuedCertificate store(Path dir, String name, IssuedCertificate issued) {
    SecureFiles.writePrivate(dir.resolve(name + ".key"), Pem.encode(issued.key()));
    SecureFiles.writePublic(dir.resolve(name + ".crt"), Pem.encode(issued.certificate()));
    return issued;
  }

  private static boolean covers(X509Certificate cert, ServingNames wanted) {
    Set<String> present = new HashSet<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> entry : names) {
          present.add(String.valueOf(entry.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    List<String> all = new ArrayList<>(wanted.dnsNames());
    all.addAll(wanted.ips());
    return present.containsAll(all);
  }
}
