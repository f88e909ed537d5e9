package io.kuark.agent.join;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.agent.RetryWait;
import io.kuark.agent.api.ServingCertificate;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.logging.Logger;

/**
 * Joins the cluster with {@code --server URL --token K10<hash>::<id>.<secret>}, as the kubelet's
 * TLS bootstrap does: fetch the CA and check it against the token's hash; reuse the stored node
 * client certificate while it is valid (renewing it with itself once 80% of its life has passed),
 * otherwise ask for one with the bootstrap token through a CertificateSigningRequest; then ask for
 * an agent API serving certificate with the node's own credentials. The returned client presents
 * the current client certificate on every new connection, so {@link CertificateRotation} can renew
 * it while the agent runs.
 */
public final class NodeJoin {

  private static final Logger LOG = Logger.getLogger(NodeJoin.class);

  /** How long the first join waits for approval; an administrator may approve by hand. */
  static final Duration APPROVAL_WAIT = Duration.ofMinutes(10);

  /** The serving certificate is optional (a self-signed one serves meanwhile): wait less. */
  static final Duration SERVING_WAIT = Duration.ofMinutes(2);

  /**
   * What joining produced.
   *
   * @param client the API client with node credentials
   * @param serving the CA-signed agent API certificate, or empty (use a self-signed one)
   * @param rotation renews the certificates before they expire; close it with the agent
   */
  public record Joined(
      KubernetesClient client,
      Optional<ServingCertificate> serving,
      CertificateRotation rotation) {}

  private final JoinFlags flags;
  private final String nodeName;
  private final List<String> servingNames;
  private final NodeCredentials credentials;
  private final Clock clock;
  private final CountDownLatch stop;

  /**
   * @param servingNames DNS names and IPs for the serving certificate (node name, node IP)
   * @param stop counted down when the agent stops: ends the wait for an unreachable server
   */
  public NodeJoin(
      JoinFlags flags,
      String nodeName,
      List<String> servingNames,
      Path agentDir,
      Clock clock,
      CountDownLatch stop) {
    this.flags = flags;
    this.nodeName = nodeName;
    this.servingNames = List.copyOf(servingNames);
    this.credentials = NodeCredentials.in(agentDir);
    this.clock = clock;
    this.stop = stop;
  }

  /**
   * Joins; while the server cannot be reached (or answers 5xx) for the CA, that is tried again
   * until it answers or {@code stop} is counted down.
   */
  public Joined join() throws JoinException, IOException, InterruptedException {
    String caPem =
        CaFetcher.fetchVerifiedRetrying(
            flags.serverUrl(), flags.token(), stop, RetryWait.until(stop));
    X509Certificate ca = NodeKeys.readCertificate(caPem);
    credentials.storeCa(caPem);
    NodeCredentials.Pair client = clientPair(caPem, ca);
    credentials.store("client", client);
    credentials.storeKubeconfig(flags.serverUrl(), caPem, client);
    ReloadingKeyManager keys =
        new ReloadingKeyManager(client.certificate(), client.key().getPrivate());
    KubernetesClient api = nodeClient(caPem, client, keys);
    Optional<NodeCredentials.Pair> serving = servingPair(api, ca);
    CertificateRotation rotation =
        new CertificateRotation(
            clock,
            client,
            serving.orElse(null),
            () -> renewClient(api, caPem, keys),
            () -> {
              NodeCredentials.Pair pair = requestServing(api);
              return pair;
            });
    rotation.start();
    return new Joined(
        api,
        serving.map(p -> new ServingCertificate(p.key().getPrivate(), p.certificate())),
        rotation);
  }

  private NodeCredentials.Pair clientPair(String caPem, X509Certificate ca)
      throws JoinException, IOException {
    Optional<NodeCredentials.Pair> stored =
        credentials.load("client").filter(p -> usable(p, ca, List.of()));
    if (stored.isPresent() && !stored.get().due(clock.instant())) {
      LOG.infof("using the node client certificate in %s", credentials.dir());
      return stored.get();
    }
    if (stored.isPresent()) {
      try (KubernetesClient self =
          nodeClient(
              caPem,
              stored.get(),
              new ReloadingKeyManager(
                  stored.get().certificate(), stored.get().key().getPrivate()))) {
        return requestClient(self, "renewing the node client certificate");
      } catch (JoinException e) {
        LOG.warnf(
            "renewing the node client certificate failed (%s); joining with the token",
            e.getMessage());
      }
    }
    try (KubernetesClient boot = tokenClient(caPem)) {
      return requestClient(boot, "joining with the bootstrap token");
    }
  }

  private NodeCredentials.Pair requestClient(KubernetesClient with, String why)
      throws JoinException {
    LOG.infof("%s: requesting a client certificate for system:node:%s", why, nodeName);
    KeyPair key = NodeKeys.newKey();
    X509Certificate cert = CsrClient.request(with, key, nodeName, false, List.of(), APPROVAL_WAIT);
    return new NodeCredentials.Pair(cert, key);
  }

  private NodeCredentials.Pair renewClient(
      KubernetesClient api, String caPem, ReloadingKeyManager keys)
      throws JoinException, IOException {
    NodeCredentials.Pair next = requestClient(api, "rotating");
    credentials.store("client", next);
    credentials.storeKubeconfig(flags.serverUrl(), caPem, next);
    keys.update(next.certificate(), next.key().getPrivate());
    return next;
  }

  private Optional<NodeCredentials.Pair> servingPair(KubernetesClient api, X509Certificate ca)
      throws IOException {
    Optional<NodeCredentials.Pair> stored =
        credentials.load("serving").filter(p -> usable(p, ca, servingNames));
    if (stored.isPresent() && !stored.get().due(clock.instant())) {
      return stored;
    }
    try {
      return Optional.of(requestServing(api));
    } catch (JoinException e) {
      LOG.warnf(
          "no CA-signed serving certificate for the agent API (%s); using a self-signed one",
          e.getMessage());
      return stored;
    }
  }

  private NodeCredentials.Pair requestServing(KubernetesClient api)
      throws JoinException, IOException {
    KeyPair key = NodeKeys.newKey();
    X509Certificate cert = CsrClient.request(api, key, nodeName, true, servingNames, SERVING_WAIT);
    NodeCredentials.Pair pair = new NodeCredentials.Pair(cert, key);
    credentials.store("serving", pair);
    return pair;
  }

  /** Signed by {@code ca}, for this node, not expired, and naming every wanted SAN. */
  private boolean usable(NodeCredentials.Pair pair, X509Certificate ca, List<String> names) {
    X509Certificate cert = pair.certificate();
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      return false;
    }
    if (pair.expired(clock.instant())
        || !cert.getSubjectX500Principal().getName().contains("CN=system:node:" + nodeName)
        || !cert.getPublicKey().equals(pair.key().getPublic())) {
      return false;
    }
    Set<String> present = new HashSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> e : cert.getSubjectAlternativeNames()) {
          present.add(String.valueOf(e.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return present.containsAll(names);
  }

  private KubernetesClient tokenClient(String caPem) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(flags.serverUrl())
            .withCaCertData(b64(caPem))
            .withOauthToken(flags.token().bootstrapToken())
            .withOnlyHttpWatches(true)
            .build();
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new MultiplexedHttpClientFactory())
        .withConfig(config)
        .build();
  }

  private KubernetesClient nodeClient(
      String caPem, NodeCredentials.Pair pair, ReloadingKeyManager keys) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(flags.serverUrl())
            .withCaCertData(b64(caPem))
            .withClientCertData(b64(NodeKeys.pem(pair.certificate())))
            .withClientKeyData(b64(NodeKeys.keyPem(pair.key())))
            .withClientKeyAlgo("EC")
            // Watches stream over the client's one HTTP/2 connection, not a WebSocket each.
            .withOnlyHttpWatches(true)
            .build();
    TrustManagerFactory trust = trust(caPem);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new MultiplexedHttpClientFactory())
        .withConfig(config)
        // The key manager replaces the one fabric8 built from the (fixed) certificate data.
        .withHttpClientBuilderConsumer(
            b -> b.sslContext(new KeyManager[] {keys}, trust.getTrustManagers()))
        .build();
  }

  private static TrustManagerFactory trust(String caPem) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", NodeKeys.readCertificate(caPem));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot trust the cluster CA", e);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
