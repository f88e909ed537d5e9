package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and verifies service account JWTs in upstream's bound-token shape: issuer {@link #ISSUER},
 * subject {@code system:serviceaccount:NS:NAME}, and the {@code kubernetes.io} claim with
 * namespace, serviceaccount, pod and secret (name, uid). Verification checks signature, issuer,
 * audience and validity period only; whether the service account and bound objects still exist is
 * {@link ServiceAccountAuthenticator}'s job.
 */
public final class ServiceAccountTokens {

  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  /** Issuer of legacy (Secret-based, non-expiring) tokens, as upstream writes them. */
  public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";

  private static final String LEGACY_PREFIX = "kubernetes.io/serviceaccount/";

  /** Clock skew tolerated for nbf / exp, as upstream's validator allows. */
  static final Duration LEEWAY = Duration.ofSeconds(60);

  private final KeyPair key;
  private final String keyId;
  private final List<String> apiAudiences;
  private final Clock clock;

  public ServiceAccountTokens(KeyPair key, Clock clock) {
    this.key = key;
    this.keyId = Jwt.keyId(key.getPublic());
    this.apiAudiences = List.of(ISSUER);
    this.clock = clock;
  }

  /** The audiences the API server accepts tokens for (and the default of a TokenRequest). */
  public List<String> apiAudiences() {
    return apiAudiences;
  }

  public Instant now() {
    return clock.instant();
  }

  /** Signs a token for {@code claims} (issuedAt/expiresAt/id as given). */
  public String issue(BoundToken claims) {
    return issue(claims, null);
  }

  /**
   * As {@link #issue(BoundToken)}, with upstream's {@code warnafter} claim: the time after which
   * the token still works but its use is flagged (extended kubelet tokens).
   */
  public String issue(BoundToken claims, Instant warnAfter) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode jwt = f.objectNode();
    jwt.put("iss", ISSUER);
    jwt.put("sub", claims.subject());
    var aud = jwt.putArray("aud");
    for (String a : claims.audiences()) {
      aud.add(a);
    }
    jwt.put("iat", claims.issuedAt().getEpochSecond());
    jwt.put("nbf", claims.issuedAt().getEpochSecond());
    jwt.put("exp", claims.expiresAt().getEpochSecond());
    jwt.put("jti", claims.id());
    ObjectNode k8s = jwt.putObject("kubernetes.io");
    k8s.put("namespace", claims.namespace());
    if (warnAfter != null) {
      k8s.put("warnafter", warnAfter.getEpochSecond());
    }
    ObjectNode sa = k8s.putObject("serviceaccount");
    sa.put("name", claims.serviceAccount());
    sa.put("uid", claims.serviceAccountUid());
    if (claims.pod() != null) {
      ObjectNode pod = k8s.putObject("pod");
      pod.put("name", claims.pod().name());
      pod.put("uid", claims.pod().uid());
    }
    if (claims.secret() != null) {
      ObjectNode secret = k8s.putObject("secret");
      secret.put("name", claims.secret().name());
      secret.put("uid", claims.secret().uid());
    }
    return Jwt.sign(jwt, key.getPrivate(), keyId);
  }

  /**
   * A legacy token for a {@code kubernetes.io/service-account-token} Secret, in upstream's shape:
   * issuer {@link #LEGACY_ISSUER}, flat {@code kubernetes.io/serviceaccount/*} claims, no audience
   * and no expiry. It is valid as long as the Secret holds it and the service account exists.
   */
  public String issueLegacy(
      String namespace, String serviceAccount, String serviceAccountUid, String secretName) {
    ObjectNode jwt = JsonNodeFactory.instance.objectNode();
    jwt.put("iss", LEGACY_ISSUER);
    jwt.put(LEGACY_PREFIX + "namespace", namespace);
    jwt.put(LEGACY_PREFIX + "secret.name", secretName);
    jwt.put(LEGACY_PREFIX + "service-account.name", serviceAccount);
    jwt.put(LEGACY_PREFIX + "service-account.uid", serviceAccountUid);
    jwt.put("sub", ServiceAccountUsers.userName(namespace, serviceAccount));
    return Jwt.sign(jwt, key.getPrivate(), keyId);
  }

  /** A fresh token id. */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * The claims of {@code token} if it is ours (signature, issuer), not expired, already valid, and
   * meant for one of {@code audiences}; empty otherwise.
   */
  public Optional<BoundToken> verify(String token, List<String> audiences) {
    Optional<ObjectNode> verified = Jwt.verify(token, key.getPublic());
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode jwt = verified.get();
    if (LEGACY_ISSUER.equals(jwt.path("iss").asText())) {
      return legacy(jwt, audiences);
    }
    if (!ISSUER.equals(jwt.path("iss").asText())) {
      return Optional.empty();
    }
    List<String> aud = new ArrayList<>();
    JsonNode audNode = jwt.path("aud");
    if (audNode.isTextual()) {
      aud.add(audNode.asText());
    } else {
      for (JsonNode a : audNode) {
        aud.add(a.asText());
      }
    }
    if (aud.stream().noneMatch(audiences::contains)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!jwt.path("exp").canConvertToLong()
        || !now.isBefore(Instant.ofEpochSecond(jwt.path("exp").asLong()).plus(LEEWAY))) {
      return Optional.empty();
    }
    if (jwt.has("nbf")
        && now.plus(LEEWAY).isBefore(Instant.ofEpochSecond(jwt.path("nbf").asLong()))) {
      return Optional.empty();
    }
    JsonNode k8s = jwt.path("kubernetes.io");
    String ns = k8s.path("namespace").asText("");
    String name = k8s.path("serviceaccount").path("name").asText("");
    String uid = k8s.path("serviceaccount").path("uid").asText("");
    if (ns.isEmpty() || name.isEmpty() || uid.isEmpty()) {
      return Optional.empty();
    }
    if (!ServiceAccountUsers.userName(ns, name).equals(jwt.path("sub").asText())) {
      return Optional.empty();
    }
    return Optional.of(
        new BoundToken(
            ns,
            name,
            uid,
            bound(k8s.path("pod")),
            bound(k8s.path("secret")),
            List.copyOf(aud),
            Instant.ofEpochSecond(jwt.path("iat").asLong()),
            Instant.ofEpochSecond(jwt.path("exp").asLong()),
            jwt.path("jti").asText("")));
  }

  /**
   * A legacy token's claims, bound to its Secret by name (an empty uid marks it legacy: {@link
   * ServiceAccountAuthenticator} then checks that the Secret still holds this very token). Legacy
   * tokens have no audience; like upstream they are good for the API server's own audiences only.
   */
  private Optional<BoundToken> legacy(ObjectNode jwt, List<String> audiences) {
    if (apiAudiences.stream().noneMatch(audiences::contains)) {
      return Optional.empty();
    }
    String ns = jwt.path(LEGACY_PREFIX + "namespace").asText("");
    String name = jwt.path(LEGACY_PREFIX + "service-account.name").asText("");
    String uid = jwt.path(LEGACY_PREFIX + "service-account.uid").asText("");
    String secret = jwt.path(LEGACY_PREFIX + "secret.name").asText("");
    if (ns.isEmpty() || name.isEmpty() || uid.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    if (!ServiceAccountUsers.userName(ns, name).equals(jwt.path("sub").asText())) {
      return Optional.empty();
    }
    return Optional.of(
        new BoundToken(
            ns,
            name,
            uid,
            null,
            new BoundToken.BoundObject(secret, ""),
            apiAudiences,
            Instant.EPOCH,
            null,
            ""));
  }

  private static BoundToken.BoundObject bound(JsonNode node) {
    if (!node.isObject()) {
      return null;
    }
    return new BoundToken.BoundObject(node.path("name").asText(""), node.path("uid").asText(""));
  }
}
