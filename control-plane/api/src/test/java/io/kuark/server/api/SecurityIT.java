package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.auth.authn.BoundToken;
import io.kuark.server.auth.authn.ServiceAccountTokens;
import io.kuark.server.auth.pki.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authentication, RBAC, escalation prevention, token and review APIs against an in-process API
 * server: who gets 401, who gets exactly what a Role allows and the upstream 403 otherwise.
 */
class SecurityIT {

  static TestApiServer api;
  static RawClient admin;
  static HttpClient plain;
  static String robotToken;

  @BeforeAll
  static void start() throws Exception {
    api = new TestApiServer();
    admin = new RawClient(api, true);
    plain = client(null);
    ok(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}"));
    for (String sa : List.of("robot", "default", "temp")) {
      ok(
          admin.post(
              "/api/v1/namespaces/team/serviceaccounts",
              "{\"metadata\":{\"name\":\"" + sa + "\"}}"));
    }
    ok(
        admin.post(
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
            "{\"metadata\":{\"name\":\"robot\"},\"rules\":["
                + "{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"]},"
                + "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"resourceNames\":[\"allowed\"]},"
                + "{\"verbs\":[\"create\"],\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\",\"rolebindings\"]}]}"));
    ok(
        admin.post(
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
            "{\"metadata\":{\"name\":\"robot\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"robot\"},"
                + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"robot\",\"namespace\":\"team\"}]}"));
    robotToken = token("robot", "{}");
    // The authorizer reads a cache that follows storage; wait until it saw the binding.
    for (int i = 0;
        i < 200 && as(robotToken, "GET", "/api/v1/namespaces/team/pods", null).statusCode() != 200;
        i++) {
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void anonymousGets401ExceptOnPublicPaths() {
    HttpResponse<String> r = send(plain, "GET", "/api/v1/namespaces/team/pods", null, Map.of());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).path("reason").asText()).isEqualTo("Unauthorized");
    assertThat(send(plain, "GET", "/healthz", null, Map.of()).statusCode()).isEqualTo(200);
    assertThat(send(plain, "GET", "/version", null, Map.of()).statusCode()).isEqualTo(200);
    assertThat(send(plain, "GET", "/api", null, Map.of()).statusCode()).isEqualTo(401);
  }

  @Test
  void serviceAccountCanDoExactlyWhatItsRoleAllows() {
    assertThat(as(robotToken, "GET", "/api/v1/namespaces/team/pods", null).statusCode())
        .isEqualTo(200);
    assertThat(
            as(robotToken, "GET", "/api/v1/namespaces/team/configmaps/allowed", null).statusCode())
        .isEqualTo(404);
    assertThat(as(robotToken, "GET", "/api", null).statusCode()).isEqualTo(200);
    HttpResponse<String> other = as(robotToken, "GET", "/api/v1/namespaces/default/pods", null);
    assertThat(other.statusCode()).isEqualTo(403);
    JsonNode status = json(other);
    assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.path("message").asText())
        .isEqualTo(
            "pods is forbidden: User \"system:serviceaccount:team:robot\" cannot list resource"
                + " \"pods\" in API group \"\" in the namespace \"default\"");
    assertThat(status.path("details").path("kind").asText()).isEqualTo("pods");
    assertThat(status.path("details").has("group")).isFalse();
    JsonNode deny = json(as(robotToken, "DELETE", "/api/v1/namespaces/team/pods/x", null));
    assertThat(deny.path("code").asInt()).isEqualTo(403);
    assertThat(deny.path("message").asText())
        .isEqualTo(
            "pods \"x\" is forbidden: User \"system:serviceaccount:team:robot\" cannot delete"
                + " resource \"pods\" in API group \"\" in the namespace \"team\"");
    assertThat(as(robotToken, "GET", "/api/v1/namespaces/team/secrets", null).statusCode())
        .isEqualTo(403);
    assertThat(as(robotToken, "GET", "/api/v1/namespaces/team/configmaps/other", null).statusCode())
        .isEqualTo(403);
    assertThat(
            as(robotToken, "GET", "/apis/apps/v1/namespaces/team/deployments", null).statusCode())
        .isEqualTo(403);
    assertThat(as(robotToken, "GET", "/metrics", null).statusCode()).isEqualTo(403);
    assertThat(json(as(robotToken, "GET", "/metrics", null)).path("message").asText())
        .isEqualTo(
            "forbidden: User \"system:serviceaccount:team:robot\" cannot get path \"/metrics\"");
  }

  @Test
  void escalationIsRefusedButGrantingHeldRulesWorks() {
    HttpResponse<String> escalate =
        as(
            robotToken,
            "POST",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
            "{\"metadata\":{\"name\":\"secrets\"},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"secrets\"]}]}");
    assertThat(escalate.statusCode()).as(escalate.body()).isEqualTo(403);
    assertThat(json(escalate).path("message").asText())
        .startsWith(
            "roles.rbac.authorization.k8s.io \"secrets\" is forbidden: user \"system:serviceaccount:team:robot\"")
        .contains("is attempting to grant RBAC permissions not currently held")
        .contains("Resources:[\"secrets\"]");
    HttpResponse<String> held =
        as(
            robotToken,
            "POST",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
            "{\"metadata\":{\"name\":\"readers\"},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
    assertThat(held.statusCode()).as(held.body()).isEqualTo(201);
    HttpResponse<String> bindAdmin =
        as(
            robotToken,
            "POST",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
            "{\"metadata\":{\"name\":\"pwn\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"admin\"},"
                + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"robot\",\"namespace\":\"team\"}]}");
    assertThat(bindAdmin.statusCode()).as(bindAdmin.body()).isEqualTo(403);
    assertThat(json(bindAdmin).path("details").path("kind").asText()).isEqualTo("rolebindings");
  }

  @Test
  void expiredTamperedRevokedAndGarbageTokensFail() throws Exception {
    ServiceAccountTokens past =
        new ServiceAccountTokens(
            api.pki.serviceAccountKey(),
            Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC));
    String uid =
        json(admin.get("/api/v1/namespaces/team/serviceaccounts/robot"))
            .path("metadata")
            .path("uid")
            .asText();
    Instant iat = Instant.now().minus(Duration.ofHours(3));
    String expired =
        past.issue(
            new BoundToken(
                "team",
                "robot",
                uid,
                null,
                null,
                List.of(ServiceAccountTokens.ISSUER),
                iat,
                iat.plus(Duration.ofHours(1)),
                "x"));
    assertThat(as(expired, "GET", "/api/v1/namespaces/team/pods", null).statusCode())
        .isEqualTo(401);
    String[] parts = robotToken.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThat(as(tampered, "GET", "/api/v1/namespaces/team/pods", null).statusCode())
        .isEqualTo(401);
    assertThat(as("garbage", "GET", "/healthz", null).statusCode()).isEqualTo(401);
    assertThat(as("a".repeat(40_000), "GET", "/api/v1/namespaces/team/pods", null).statusCode())
        .isEqualTo(401);
    String temp = token("temp", "{}");
    assertThat(as(temp, "GET", "/apis/authentication.k8s.io/v1", null).statusCode()).isEqualTo(200);
    ok(admin.send("DELETE", "/api/v1/namespaces/team/serviceaccounts/temp", null, null));
    assertThat(as(temp, "GET", "/apis/authentication.k8s.io/v1", null).statusCode()).isEqualTo(401);
  }

  @Test
  void repeatedTokenRequestsAreAnsweredFromTheTokenCache() {
    long before = tokenCacheHits();
    // Back-to-back requests with one token: one of them finds the entry the one before left
    // (several tries only so that a loaded machine stretching a request past the TTL cannot fail
    // this; normally the second request hits).
    for (int i = 0; i < 20 && tokenCacheHits() == before; i++) {
      assertThat(as(robotToken, "GET", "/api/v1/namespaces/team/pods", null).statusCode())
          .isEqualTo(200);
      assertThat(as(robotToken, "GET", "/api/v1/namespaces/team/pods", null).statusCode())
          .isEqualTo(200);
    }
    assertThat(tokenCacheHits()).isGreaterThan(before);
  }

  static long tokenCacheHits() {
    String metrics = admin.get("/metrics").body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("authentication_token_cache_request_total{status=\"hit\"} ")) {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no token cache metric in /metrics");
  }

  @Test
  void podBoundTokenDiesWithThePod() {
    ok(
        admin.post(
            "/api/v1/namespaces/team/pods",
            "{\"metadata\":{\"name\":\"worker\"},\"spec\":{\"serviceAccountName\":\"robot\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
    JsonNode pod = json(admin.get("/api/v1/namespaces/team/pods/worker"));
    assertThat(pod.path("spec").path("volumes").get(0).path("name").asText())
        .startsWith("kube-api-access-");
    String bound =
        token(
            "robot",
            "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"worker\",\"uid\":\""
                + pod.path("metadata").path("uid").asText()
                + "\"}}}");
    // The kubelet's 3607-second pod token is extended to a year, warning after 3607 seconds.
    String kubelet =
        token(
            "robot",
            "{\"spec\":{\"expirationSeconds\":3607,\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"worker\"}}}");
    JsonNode claims =
        Json.parseBody(
            java.util.Base64.getUrlDecoder().decode(kubelet.split("\\.")[1]), "application/json");
    long lifetime = claims.path("exp").asLong() - claims.path("iat").asLong();
    assertThat(lifetime).isEqualTo(365L * 24 * 3600);
    assertThat(
            claims.path("kubernetes.io").path("warnafter").asLong() - claims.path("iat").asLong())
        .isEqualTo(3607);
    JsonNode whoami =
        json(
            as(
                bound,
                "POST",
                "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"));
    assertThat(whoami.path("status").path("userInfo").path("username").asText())
        .isEqualTo("system:serviceaccount:team:robot");
    assertThat(
            whoami
                .path("status")
                .path("userInfo")
                .path("extra")
                .path("authentication.kubernetes.io/pod-name")
                .get(0)
                .asText())
        .isEqualTo("worker");
    ok(
        admin.send(
            "DELETE", "/api/v1/namespaces/team/pods/worker?gracePeriodSeconds=0", null, null));
    assertThat(admin.get("/api/v1/namespaces/team/pods/worker").statusCode()).isEqualTo(404);
    assertThat(as(bound, "GET", "/api/v1/namespaces/team/pods", null).statusCode()).isEqualTo(401);
  }

  @Test
  void legacyTokenSecretGetsATokenThatLivesAsLongAsTheSecret() {
    ok(
        admin.post(
            "/api/v1/namespaces/team/secrets",
            "{\"metadata\":{\"name\":\"robot-legacy\",\"annotations\":"
                + "{\"kubernetes.io/service-account.name\":\"robot\"}},"
                + "\"type\":\"kubernetes.io/service-account-token\"}"));
    JsonNode secret = json(admin.get("/api/v1/namespaces/team/secrets/robot-legacy"));
    String robotUid =
        json(admin.get("/api/v1/namespaces/team/serviceaccounts/robot"))
            .path("metadata")
            .path("uid")
            .asText();
    assertThat(
            secret
                .path("metadata")
                .path("annotations")
                .path("kubernetes.io/service-account.uid")
                .asText())
        .isEqualTo(robotUid);
    java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
    JsonNode data = secret.path("data");
    assertThat(new String(b64.decode(data.path("namespace").asText()), StandardCharsets.UTF_8))
        .isEqualTo("team");
    assertThat(new String(b64.decode(data.path("ca.crt").asText()), StandardCharsets.UTF_8))
        .startsWith("-----BEGIN CERTIFICATE-----");
    String legacy = new String(b64.decode(data.path("token").asText()), StandardCharsets.UTF_8);
    JsonNode claims =
        Json.parseBody(
            java.util.Base64.getUrlDecoder().decode(legacy.split("\\.")[1]), "application/json");
    assertThat(claims.path("iss").asText()).isEqualTo("kubernetes/serviceaccount");
    assertThat(claims.has("exp")).isFalse();

    // The token is the service account: its role's rules apply.
    assertThat(as(legacy, "GET", "/api/v1/namespaces/team/pods", null).statusCode()).isEqualTo(200);
    assertThat(as(legacy, "GET", "/api/v1/namespaces/team/secrets", null).statusCode())
        .isEqualTo(403);
    // A secret for a service account that does not exist gets no token.
    ok(
        admin.post(
            "/api/v1/namespaces/team/secrets",
            "{\"metadata\":{\"name\":\"nobody-legacy\",\"annotations\":"
                + "{\"kubernetes.io/service-account.name\":\"nobody\"}},"
                + "\"type\":\"kubernetes.io/service-account-token\"}"));
    assertThat(
            json(admin.get("/api/v1/namespaces/team/secrets/nobody-legacy"))
                .path("data")
                .has("token"))
        .isFalse();

    // Deleting the Secret revokes the token.
    ok(admin.send("DELETE", "/api/v1/namespaces/team/secrets/robot-legacy", null, null));
    assertThat(as(legacy, "GET", "/api/v1/namespaces/team/pods", null).statusCode()).isEqualTo(401);
  }

  @Test
  void withoutAnonymousAuthEvenHealthNeedsCredentials() throws Exception {
    ApiServer strict = ApiServer.start(api.bareSetup(TestApiServer.loopbackConfig(false)));
    try {
      String base = "https://127.0.0.1:" + strict.port();
      for (String path : List.of("/healthz", "/livez", "/readyz", "/version", "/cacerts")) {
        HttpResponse<String> r =
            plain.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(401);
      }
      assertThat(new RawClient(base, api.pki, true).get("/version").statusCode()).isEqualTo(200);
    } finally {
      strict.close();
    }
    // The default server keeps them public.
    assertThat(send(plain, "GET", "/healthz", null, Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void podsNeedTheirServiceAccount() {
    HttpResponse<String> r =
        admin.post(
            "/api/v1/namespaces/team/pods",
            "{\"metadata\":{\"name\":\"lost\"},\"spec\":{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "pods \"lost\" is forbidden: error looking up service account team/ghost: serviceaccount \"ghost\" not found");
  }

  @Test
  void certificateFromAnotherCaIsRefused() throws Exception {
    CertificateAuthority rogue = CertificateAuthority.create("rogue");
    CertificateAuthority.IssuedCertificate cert =
        rogue.issueClient("admin", List.of("system:masters"));
    HttpClient c = client(cert);
    try {
      HttpResponse<String> r = send(c, "GET", "/api/v1/namespaces", null, Map.of());
      assertThat(r.statusCode()).isEqualTo(401);
    } catch (UncheckedIOException e) {
      // The TLS handshake refused the certificate: just as good.
      assertThat(e.getCause()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void reviewsAndTokenRequestValidation() {
    JsonNode review =
        json(
            admin.post(
                "/apis/authentication.k8s.io/v1/tokenreviews",
                "{\"spec\":{\"token\":\"" + robotToken + "\"}}"));
    assertThat(review.path("status").path("authenticated").asBoolean()).isTrue();
    assertThat(review.path("status").path("user").path("username").asText())
        .isEqualTo("system:serviceaccount:team:robot");
    JsonNode bad =
        json(
            admin.post(
                "/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{\"token\":\"nope\"}}"));
    assertThat(bad.path("status").path("authenticated").asBoolean()).isFalse();
    JsonNode sar =
        json(
            admin.post(
                "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                "{\"spec\":{\"user\":\"system:serviceaccount:team:robot\",\"groups\":[\"system:serviceaccounts\"],"
                    + "\"resourceAttributes\":{\"namespace\":\"team\",\"verb\":\"list\",\"resource\":\"pods\"}}}"));
    assertThat(sar.path("status").path("allowed").asBoolean()).isTrue();
    JsonNode ssar =
        json(
            as(
                robotToken,
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"team\",\"verb\":\"delete\",\"resource\":\"pods\"}}}"));
    assertThat(ssar.path("status").path("allowed").asBoolean()).isFalse();
    JsonNode rules =
        json(
            as(
                robotToken,
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                "{\"spec\":{\"namespace\":\"team\"}}"));
    assertThat(rules.path("status").path("resourceRules").toString())
        .contains("pods/log")
        .contains("selfsubjectaccessreviews");
    assertThat(rules.path("status").path("nonResourceRules").toString()).contains("/healthz");
    HttpResponse<String> shortLived =
        admin.post(
            "/api/v1/namespaces/team/serviceaccounts/robot/token",
            "{\"spec\":{\"expirationSeconds\":10}}");
    assertThat(shortLived.statusCode()).isEqualTo(422);
    assertThat(json(shortLived).path("message").asText())
        .contains("may not specify a duration less than 10 minutes");
    assertThat(
            admin.post("/api/v1/namespaces/team/serviceaccounts/nobody/token", "{}").statusCode())
        .isEqualTo(404);
    // Impersonation: the admin acting as the robot gets the robot's answer.
    HttpResponse<String> impersonated =
        send(
            client(api.pki.admin()),
            "GET",
            "/api/v1/namespaces/default/pods",
            null,
            Map.of("Impersonate-User", "system:serviceaccount:team:robot"));
    assertThat(impersonated.statusCode()).isEqualTo(403);
    HttpResponse<String> notAllowed =
        send(
            plain,
            "GET",
            "/api/v1/namespaces/team/pods",
            null,
            Map.of("Authorization", "Bearer " + robotToken, "Impersonate-User", "admin"));
    assertThat(notAllowed.statusCode()).isEqualTo(403);
    assertThat(json(notAllowed).path("message").asText())
        .isEqualTo(
            "users \"admin\" is forbidden: User \"system:serviceaccount:team:robot\" cannot impersonate"
                + " resource \"users\" in API group \"\" at the cluster scope");
  }

  @Test
  void defaultPolicyIsBootstrapped() {
    for (String role :
        List.of(
            "cluster-admin",
            "admin",
            "edit",
            "view",
            "system:discovery",
            "system:basic-user",
            "system:public-info-viewer",
            "system:node",
            "system:kube-scheduler",
            "system:kube-controller-manager",
            "system:auth-delegator",
            "system:kubelet-api-admin")) {
      assertThat(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/" + role).statusCode())
          .as(role)
          .isEqualTo(200);
    }
    assertThat(
            admin
                .get("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-admin")
                .body())
        .contains("system:masters");
  }

  @Test
  void theKubeletClientMayUseTheAgentApiThroughItsBindingAlone() {
    // No system:masters group in the review: only the system:kubelet-api-admin binding allows it.
    String kubeletClient =
        "{\"spec\":{\"user\":\"kube-apiserver-kubelet-client\",\"groups\":[\"system:authenticated\"],"
            + "\"resourceAttributes\":{\"verb\":\"create\",\"resource\":\"nodes\","
            + "\"subresource\":\"proxy\",\"name\":\"node-a\"}}}";
    assertThat(
            json(admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", kubeletClient))
                .path("status")
                .path("allowed")
                .asBoolean())
        .isTrue();
    String robot =
        kubeletClient.replace("kube-apiserver-kubelet-client", "system:serviceaccount:team:robot");
    assertThat(
            json(admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", robot))
                .path("status")
                .path("allowed")
                .asBoolean())
        .isFalse();
    assertThat(
            admin
                .get(
                    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:kubelet-api-admin")
                .body())
        .contains("kube-apiserver-kubelet-client");
  }

  // --- helpers ---

  static String token(String sa, String body) {
    HttpResponse<String> r =
        admin.post("/api/v1/namespaces/team/serviceaccounts/" + sa + "/token", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).path("status").path("token").asText();
  }

  static HttpResponse<String> as(String token, String method, String path, String body) {
    return send(plain, method, path, body, Map.of("Authorization", "Bearer " + token));
  }

  static void ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 202);
  }

  static JsonNode json(HttpResponse<String> r) {
    return Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  static HttpResponse<String> send(
      HttpClient c, String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path));
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpClient client(CertificateAuthority.IssuedCertificate cert) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", api.pki.ca().certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (cert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", cert.key(), new char[0], new Certificate[] {cert.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
