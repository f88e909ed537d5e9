package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.server.auth.bootstrap.BootstrapToken;
import io.kuark.server.auth.bootstrap.JoinToken;
import io.kuark.server.auth.pki.CertificateAuthority.IssuedCertificate;
import io.kuark.server.auth.pki.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node join on the API side: {@code /cacerts}, bootstrap token authentication, CSRs created by
 * bootstrap tokens and nodes, the in-server approver and signer, and the CSR subresource rules.
 */
class CertificateSigningIT {

  static TestApiServer api;
  static KubernetesClient admin;
  static BootstrapToken token;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = api.client();
    token = BootstrapToken.generate();
    createSecret(token.toSecret(Instant.now().plusSeconds(3600), "test"));
  }

  @AfterAll
  static void stop() {
    admin.close();
    api.close();
  }

  static void createSecret(com.fasterxml.jackson.databind.node.ObjectNode secret) {
    admin
        .secrets()
        .inNamespace("kube-system")
        .resource(admin.getKubernetesSerialization().convertValue(secret, Secret.class))
        .create();
  }

  @Test
  void cacertsIsPublicAndMatchesTheJoinTokenHash() throws Exception {
    HttpResponse<String> r = insecureGet("/cacerts", null);
    assertThat(r.statusCode()).isEqualTo(200);
    String pem = Pem.encode(api.pki.ca().certificate());
    assertThat(r.body()).isEqualTo(pem);
    JoinToken join = new JoinToken(JoinToken.hash(r.body()), token);
    assertThat(JoinToken.parse(join.text())).contains(join);
    assertThat(JoinToken.parse("K10abc::" + token.text())).isEmpty();
  }

  @Test
  void bootstrapTokenJoinsANodeThatThenGetsServingAndRenewedCertificates() throws Exception {
    KeyPair key = NodeClients.newKey();
    try (KubernetesClient boot = NodeClients.withToken(api, token.text())) {
      // Refused shapes first: the single worker handles CSRs in order, so once the good one is
      // signed these were already looked at and left pending.
      create(
          boot, "masters", key, "system:node:n1", List.of("system:masters"), List.of(), client());
      create(
          boot,
          "boot-serving",
          key,
          "system:node:n1",
          List.of("system:nodes"),
          List.of("n1"),
          serving());
      CertificateSigningRequest good =
          create(
              boot,
              "n1-client",
              key,
              "system:node:n1",
              List.of("system:nodes"),
              List.of(),
              client());
      assertThat(good.getSpec().getUsername()).isEqualTo("system:bootstrap:" + token.id());
      assertThat(good.getSpec().getGroups())
          .contains("system:bootstrappers", "system:authenticated");
      X509Certificate cert = awaitCertificate(boot, "n1-client");
      assertThat(cert.getSubjectX500Principal().getName())
          .contains("CN=system:node:n1", "O=system:nodes");
      assertThat(api.pki.ca().signed(cert)).isTrue();
      assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
      assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
      assertThat(conditions("masters")).isEmpty();
      assertThat(conditions("boot-serving")).isEmpty();

      try (KubernetesClient node =
          NodeClients.withCertificate(api, new IssuedCertificate(cert, key.getPrivate()))) {
        KeyPair servingKey = NodeClients.newKey();
        create(
            node,
            "n2-serving",
            servingKey,
            "system:node:n2",
            List.of("system:nodes"),
            List.of("n2"),
            serving());
        create(
            node,
            "n1-serving",
            servingKey,
            "system:node:n1",
            List.of("system:nodes"),
            List.of("n1"),
            serving(),
            "127.0.0.1");
        X509Certificate servingCert = awaitCertificate(node, "n1-serving");
        assertThat(servingCert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(servingCert.getSubjectAlternativeNames().stream().map(e -> e.get(1).toString()))
            .containsExactlyInAnyOrder("n1", "127.0.0.1");
        assertThat(conditions("n2-serving")).isEmpty();
        // Renewal with the node's own credentials (selfnodeclient).
        KeyPair next = NodeClients.newKey();
        create(
            node, "n1-renew", next, "system:node:n1", List.of("system:nodes"), List.of(), client());
        X509Certificate renewed = awaitCertificate(node, "n1-renew");
        assertThat(renewed.getPublicKey()).isEqualTo(next.getPublic());
        assertThat(conditions("n1-renew").get(0).getMessage()).contains("self");
        // A node cannot get a client certificate for another node.
        create(
            node,
            "n3-client",
            next,
            "system:node:n3",
            List.of("system:nodes"),
            List.of(),
            client());
        create(
            node,
            "n1-marker",
            next,
            "system:node:n1",
            List.of("system:nodes"),
            List.of(),
            client());
        awaitCertificate(node, "n1-marker");
        assertThat(conditions("n3-client")).isEmpty();
      }
    }
  }

  @Test
  void bootstrapTokenWatchesItsCsrs() throws Exception {
    // Watches with bearer tokens are WebSocket upgrades after the token check on a worker.
    java.util.concurrent.CompletableFuture<String> added =
        new java.util.concurrent.CompletableFuture<>();
    try (KubernetesClient boot = NodeClients.withToken(api, token.text());
        io.fabric8.kubernetes.client.Watch w =
            boot.certificates()
                .v1()
                .certificateSigningRequests()
                .watch(
                    new io.fabric8.kubernetes.client.Watcher<>() {
                      @Override
                      public void eventReceived(Action action, CertificateSigningRequest csr) {
                        if (csr.getMetadata().getName().equals("watched")) {
                          added.complete(action.name());
                        }
                      }

                      @Override
                      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                        added.completeExceptionally(cause);
                      }
                    })) {
      create(admin, "watched", NodeClients.newKey(), "w", List.of(), List.of(), "example.com/none");
      assertThat(added.get(60, TimeUnit.SECONDS)).isEqualTo("ADDED");
    }
  }

  @Test
  void expiredGarbageAndRevokedBootstrapTokensGet401() throws Exception {
    BootstrapToken expired = BootstrapToken.generate();
    createSecret(expired.toSecret(Instant.now().minusSeconds(60), "old"));
    BootstrapToken revoked = BootstrapToken.generate();
    createSecret(revoked.toSecret(null, "revoked"));
    String path = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    assertThat(insecureGet(path, revoked.text()).statusCode()).isEqualTo(200);
    admin.secrets().inNamespace("kube-system").withName(revoked.secretName()).delete();
    admin
        .secrets()
        .inNamespace("kube-system")
        .withName(revoked.secretName())
        .waitUntilCondition(s -> s == null, 30, TimeUnit.SECONDS);
    assertThat(insecureGet(path, revoked.text()).statusCode()).isEqualTo(401);
    assertThat(insecureGet(path, expired.text()).statusCode()).isEqualTo(401);
    assertThat(insecureGet(path, token.id() + ".0000000000000000").statusCode()).isEqualTo(401);
    assertThat(insecureGet(path, "abcdef.ghijklmnopqrstuvw").statusCode()).isEqualTo(401);
    // A bootstrap token reaches nothing beyond CSRs.
    assertThat(insecureGet("/api/v1/namespaces/kube-system/secrets", token.text()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void approvalAndStatusSubresourcesFollowUpstreamRules() throws Exception {
    KeyPair key = NodeClients.newKey();
    create(
        admin,
        "robot",
        key,
        "robot",
        List.of("team"),
        List.of(),
        "kubernetes.io/kube-apiserver-client");
    var csrs = admin.certificates().v1().certificateSigningRequests();
    CertificateSigningRequest fake = csrs.withName("robot").get();
    fake.setStatus(
        new io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder()
            .withCertificate(NodeClients.b64(Pem.encode(api.pki.admin().certificate())))
            .build());
    assertThatThrownBy(() -> csrs.resource(fake).updateStatus())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains("approved");
            });
    csrs.withName("robot").approve();
    X509Certificate cert = awaitCertificate(admin, "robot");
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=robot", "O=team");
    // Approved cannot be removed, nor joined by Denied.
    CertificateSigningRequest approved = csrs.withName("robot").get();
    approved.getStatus().setConditions(List.of());
    assertThatThrownBy(
            () ->
                admin
                    .certificates()
                    .v1()
                    .certificateSigningRequests()
                    .resource(approved)
                    .subresource("approval")
                    .update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThatThrownBy(() -> csrs.withName("robot").deny())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    // The spec never changes.
    CertificateSigningRequest edited = csrs.withName("robot").get();
    edited.getSpec().setSignerName("example.com/other");
    assertThat(csrs.resource(edited).update().getSpec().getSignerName())
        .isEqualTo("kubernetes.io/kube-apiserver-client");
  }

  /**
   * Upstream's CertificateApproval and CertificateSigning admission: updating the approval or the
   * certificate takes {@code approve} / {@code sign} on {@code signers} named after the request's
   * signerName (or its domain wildcard), on top of the subresource permission.
   */
  @Test
  void approvalAndSigningNeedPermissionOnTheSigner() throws Exception {
    create(
        admin,
        "widget",
        NodeClients.newKey(),
        "widget",
        List.of(),
        List.of(),
        "example.com/widgets");
    var roles = admin.rbac().clusterRoles();
    roles
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder()
                .withNewMetadata()
                .withName("csr-writer")
                .endMetadata()
                .addNewRule()
                .withApiGroups("certificates.k8s.io")
                .withResources(
                    "certificatesigningrequests",
                    "certificatesigningrequests/approval",
                    "certificatesigningrequests/status")
                .withVerbs("get", "list", "update", "patch")
                .endRule()
                .build())
        .create();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("alice-csr-writer")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "csr-writer")
                .addNewSubject()
                .withKind("User")
                .withApiGroup("rbac.authorization.k8s.io")
                .withName("alice")
                .endSubject()
                .build())
        .create();
    try (KubernetesClient alice =
        NodeClients.withCertificate(api, api.pki.ca().issueClient("alice", List.of()))) {
      var csrs = alice.certificates().v1().certificateSigningRequests();
      eventually(() -> csrs.withName("widget").get()); // the binding reached the RBAC cache
      assertThatThrownBy(() -> csrs.withName("widget").approve())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getStatus().getMessage())
                    .isEqualTo(
                        "certificatesigningrequests.certificates.k8s.io \"widget\" is forbidden:"
                            + " user not permitted to approve requests with signerName"
                            + " \"example.com/widgets\"");
              });
      // approve on the domain wildcard is enough; sign on the exact signer name.
      signerRule("csr-writer", "approve", "example.com/*");
      eventually(() -> csrs.withName("widget").approve());
      CertificateSigningRequest approved = csrs.withName("widget").get();
      approved.setStatus(
          new io.fabric8.kubernetes.api.model.certificates.v1
                  .CertificateSigningRequestStatusBuilder(approved.getStatus())
              .withCertificate(NodeClients.b64(Pem.encode(api.pki.admin().certificate())))
              .build());
      assertThatThrownBy(() -> csrs.resource(approved).updateStatus())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getStatus().getMessage())
                    .endsWith(
                        "user not permitted to sign requests with signerName"
                            + " \"example.com/widgets\"");
              });
      signerRule("csr-writer", "sign", "example.com/widgets");
      eventually(
          () -> {
            CertificateSigningRequest current = csrs.withName("widget").get();
            current.getStatus().setCertificate(approved.getStatus().getCertificate());
            csrs.resource(current).updateStatus();
          });
      assertThat(csrs.withName("widget").get().getStatus().getCertificate()).isNotEmpty();
    }
  }

  /** Adds {@code verb} on {@code signers/<name>} to the ClusterRole. */
  static void signerRule(String role, String verb, String name) {
    admin
        .rbac()
        .clusterRoles()
        .withName(role)
        .edit(
            r -> {
              r.getRules()
                  .add(
                      new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
                          .withApiGroups("certificates.k8s.io")
                          .withResources("signers")
                          .withResourceNames(name)
                          .withVerbs(verb)
                          .build());
              return r;
            });
  }

  /** Retries {@code call} while RBAC changes reach the authorizer's cache (403 until then). */
  static void eventually(Runnable call) throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        call.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 || i >= 300) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void malformedRequestsAre422() throws Exception {
    var csrs = admin.certificates().v1().certificateSigningRequests();
    String good = NodeClients.csrPem(NodeClients.newKey(), "x", List.of(), List.of(), List.of());
    record Case(String name, String request, String signer, List<String> usages, String field) {}
    for (Case c :
        List.of(
            new Case(
                "garbage",
                NodeClients.b64("not a pem"),
                "example.com/s",
                List.of("client auth"),
                "spec.request"),
            new Case(
                "nosigner", NodeClients.b64(good), null, List.of("client auth"), "spec.signerName"),
            new Case(
                "badsigner",
                NodeClients.b64(good),
                "nodomain",
                List.of("client auth"),
                "spec.signerName"),
            new Case("nousages", NodeClients.b64(good), "example.com/s", List.of(), "spec.usages"),
            new Case(
                "oddusage",
                NodeClients.b64(good),
                "example.com/s",
                List.of("fly"),
                "spec.usages"))) {
      CertificateSigningRequest csr =
          new CertificateSigningRequestBuilder()
              .withNewMetadata()
              .withName(c.name())
              .endMetadata()
              .withNewSpec()
              .withRequest(c.request())
              .withSignerName(c.signer())
              .withUsages(c.usages())
              .endSpec()
              .build();
      assertThatThrownBy(() -> csrs.resource(csr).create())
          .as(c.name())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains(c.field());
              });
    }
  }

  static List<String> client() {
    return List.of("digital signature", "client auth");
  }

  static List<String> serving() {
    return List.of("digital signature", "server auth");
  }

  static CertificateSigningRequest create(
      KubernetesClient c,
      String name,
      KeyPair key,
      String cn,
      List<String> orgs,
      List<String> dns,
      Object usagesOrSigner,
      String... ips)
      throws Exception {
    List<String> usages;
    String signer;
    if (usagesOrSigner instanceof String s) {
      signer = s;
      usages = client();
    } else {
      @SuppressWarnings("unchecked")
      List<String> u = (List<String>) usagesOrSigner;
      usages = u;
      signer =
          u.contains("server auth")
              ? "kubernetes.io/kubelet-serving"
              : "kubernetes.io/kube-apiserver-client-kubelet";
    }
    String pem = NodeClients.csrPem(key, cn, orgs, dns, List.of(ips));
    CertificateSigningRequest csr =
        new CertificateSigningRequestBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withRequest(NodeClients.b64(pem))
            .withSignerName(signer)
            .withUsages(usages)
            .endSpec()
            .build();
    return c.certificates().v1().certificateSigningRequests().resource(csr).create();
  }

  static X509Certificate awaitCertificate(KubernetesClient c, String name) {
    CertificateSigningRequest done =
        c.certificates()
            .v1()
            .certificateSigningRequests()
            .withName(name)
            .waitUntilCondition(
                csr ->
                    csr != null
                        && csr.getStatus() != null
                        && csr.getStatus().getCertificate() != null
                        && !csr.getStatus().getCertificate().isEmpty(),
                60,
                TimeUnit.SECONDS);
    return Pem.certificate(
        new String(
            Base64.getDecoder().decode(done.getStatus().getCertificate()), StandardCharsets.UTF_8));
  }

  static List<io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition>
      conditions(String name) {
    CertificateSigningRequest csr =
        admin.certificates().v1().certificateSigningRequests().withName(name).get();
    return csr.getStatus() == null || csr.getStatus().getConditions() == null
        ? List.of()
        : csr.getStatus().getConditions();
  }

  /** GET with an optional bearer token, trusting any server certificate (as a joining agent). */
  static HttpResponse<String> insecureGet(String path, String bearer) throws Exception {
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
