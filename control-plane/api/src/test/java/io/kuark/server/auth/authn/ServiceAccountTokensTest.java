package io.kuark.server.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.server.api.http.UserInfo;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {

  static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  final KeyPair key = ServiceAccountKey.generate();
  final ServiceAccountTokens tokens =
      new ServiceAccountTokens(key, Clock.fixed(NOW, ZoneOffset.UTC));

  static BoundToken claims(Instant iat, Duration ttl, BoundToken.BoundObject pod) {
    return new BoundToken(
        "ns1",
        "robot",
        "sa-uid",
        pod,
        null,
        List.of(ServiceAccountTokens.ISSUER),
        iat,
        iat.plus(ttl),
        "jti-1");
  }

  @Test
  void issuedTokenHasUpstreamClaimsAndVerifies() throws Exception {
    String jwt =
        tokens.issue(claims(NOW, Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid")));
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.path("alg").asText()).isEqualTo("ES256");
    JsonNode body = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(body.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
    assertThat(body.path("sub").asText()).isEqualTo("system:serviceaccount:ns1:robot");
    assertThat(body.path("kubernetes.io").path("namespace").asText()).isEqualTo("ns1");
    assertThat(body.path("kubernetes.io").path("serviceaccount").path("uid").asText())
        .isEqualTo("sa-uid");
    assertThat(body.path("kubernetes.io").path("pod").path("name").asText()).isEqualTo("p");
    Optional<BoundToken> back = tokens.verify(jwt, tokens.apiAudiences());
    assertThat(back).isPresent();
    assertThat(back.get().pod()).isEqualTo(new BoundToken.BoundObject("p", "pod-uid"));
    assertThat(ServiceAccountUsers.user(back.get()).groups())
        .containsExactly(
            "system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated");
  }

  @Test
  void expiredTamperedForeignAndWrongAudienceTokensFail() {
    String expired =
        tokens.issue(claims(NOW.minus(Duration.ofHours(2)), Duration.ofHours(1), null));
    assertThat(tokens.verify(expired, tokens.apiAudiences())).isEmpty();
    String good = tokens.issue(claims(NOW, Duration.ofHours(1), null));
    String[] parts = good.split("\\.");
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]))
                    .replace("\"robot\"", "\"admin\"")
                    .getBytes());
    assertThat(tokens.verify(parts[0] + "." + forged + "." + parts[2], tokens.apiAudiences()))
        .isEmpty();
    assertThat(tokens.verify(parts[0] + "." + parts[1] + ".AAAA", tokens.apiAudiences())).isEmpty();
    ServiceAccountTokens other =
        new ServiceAccountTokens(ServiceAccountKey.generate(), Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(other.verify(good, other.apiAudiences())).isEmpty();
    assertThat(tokens.verify(good, List.of("vault"))).isEmpty();
    assertThat(tokens.verify("not-a-jwt", tokens.apiAudiences())).isEmpty();
    assertThat(tokens.verify("a.b.c", tokens.apiAudiences())).isEmpty();
    String unsigned =
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
            + "."
            + parts[1]
            + ".";
    assertThat(tokens.verify(unsigned, tokens.apiAudiences())).isEmpty();
  }

  @Test
  void authenticatorRevokesTokensOfDeletedOrReplacedObjects() {
    Map<String, ObjectLookup.Found> objects = new HashMap<>();
    objects.put("serviceaccounts/ns1/robot", new ObjectLookup.Found("sa-uid", null));
    objects.put("pods/ns1/p", new ObjectLookup.Found("pod-uid", null));
    ServiceAccountAuthenticator auth =
        new ServiceAccountAuthenticator(
            tokens,
            (res, ns, name) -> Optional.ofNullable(objects.get(res + "/" + ns + "/" + name)));
    String bound =
        tokens.issue(claims(NOW, Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid")));
    Optional<UserInfo> user = auth.authenticate(bound);
    assertThat(user).isPresent();
    assertThat(user.get().name()).isEqualTo("system:serviceaccount:ns1:robot");
    assertThat(user.get().extra().get("authentication.kubernetes.io/pod-name"))
        .containsExactly("p");
    objects.put("pods/ns1/p", new ObjectLookup.Found("other-uid", null));
    assertThat(auth.authenticate(bound)).isEmpty();
    objects.remove("pods/ns1/p");
    assertThat(auth.authenticate(bound)).isEmpty();
    String unbound = tokens.issue(claims(NOW, Duration.ofHours(1), null));
    assertThat(auth.authenticate(unbound)).isPresent();
    objects.put("serviceaccounts/ns1/robot", new ObjectLookup.Found("new-uid", null));
    assertThat(auth.authenticate(unbound)).isEmpty();
    objects.remove("serviceaccounts/ns1/robot");
    assertThat(auth.authenticate(unbound)).isEmpty();
  }
}
