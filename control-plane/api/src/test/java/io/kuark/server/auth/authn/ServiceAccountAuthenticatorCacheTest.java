package io.kuark.server.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceAccountAuthenticatorCacheTest {

  static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final ServiceAccountTokens tokens = new ServiceAccountTokens(ServiceAccountKey.generate(), clock);
  final Map<String, ObjectLookup.Found> objects = new HashMap<>();
  final AtomicInteger lookups = new AtomicInteger();
  final Map<String, String> legacySecrets = new HashMap<>();
  final TokenResultCache<BoundToken> cache =
      new TokenResultCache<>(
          clock,
          TokenResultCache.DEFAULT_SUCCESS_TTL,
          TokenResultCache.DEFAULT_FAILURE_TTL,
          TokenResultCache.DEFAULT_MAX_ENTRIES);
  final ServiceAccountAuthenticator auth =
      new ServiceAccountAuthenticator(
          tokens,
          (res, ns, name) -> {
            lookups.incrementAndGet();
            return Optional.ofNullable(objects.get(res + "/" + ns + "/" + name));
          },
          (ns, name, token) -> token.equals(legacySecrets.get(ns + "/" + name)),
          cache);

  ServiceAccountAuthenticatorCacheTest() {
    objects.put("serviceaccounts/ns1/robot", new ObjectLookup.Found("sa-uid", null));
    objects.put("pods/ns1/p", new ObjectLookup.Found("pod-uid", null));
    cache.enable(true);
  }

  String token(Duration ttl, BoundToken.BoundObject pod, List<String> audiences) {
    return tokens.issue(
        new BoundToken(
            "ns1",
            "robot",
            "sa-uid",
            pod,
            null,
            audiences,
            clock.instant(),
            clock.instant().plus(ttl),
            ServiceAccountTokens.newId()));
  }

  @Test
  void repeatedRequestsReadNoObjects() {
    String t = token(Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid"), api());
    assertThat(auth.authenticate(t)).isPresent();
    int first = lookups.get();
    assertThat(first).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      assertThat(auth.authenticate(t)).isPresent();
    }
    assertThat(lookups).hasValue(first);
    assertThat(cache.hits()).isEqualTo(5);
  }

  @Test
  void deletingTheServiceAccountRevokesOnInvalidationOrAtTheTtl() {
    String t = token(Duration.ofHours(1), null, api());
    assertThat(auth.authenticate(t)).isPresent();
    objects.remove("serviceaccounts/ns1/robot");
    cache.invalidate(new ObjectRef("serviceaccounts", "ns1", "robot"));
    assertThat(auth.authenticate(t)).isEmpty();

    // A change nobody reported is bounded by the TTL.
    objects.put("serviceaccounts/ns1/robot", new ObjectLookup.Found("sa-uid", null));
    cache.invalidate(new ObjectRef("serviceaccounts", "ns1", "robot"));
    assertThat(auth.authenticate(t)).isPresent();
    objects.put("serviceaccounts/ns1/robot", new ObjectLookup.Found("replaced-uid", null));
    assertThat(auth.authenticate(t)).isPresent();
    clock.advance(TokenResultCache.DEFAULT_SUCCESS_TTL);
    assertThat(auth.authenticate(t)).isEmpty();
  }

  @Test
  void deletingTheBoundPodRevokes() {
    String t = token(Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid"), api());
    assertThat(auth.authenticate(t)).isPresent();
    objects.remove("pods/ns1/p");
    cache.invalidate(new ObjectRef("pods", "ns1", "p"));
    assertThat(auth.authenticate(t)).isEmpty();
    // A pod of the same name is another pod (another uid): still refused.
    objects.put("pods/ns1/p", new ObjectLookup.Found("new-uid", null));
    cache.invalidate(new ObjectRef("pods", "ns1", "p"));
    assertThat(auth.authenticate(t)).isEmpty();
  }

  @Test
  void aTerminatingPodsTokensAreNotReusedPastItsGrace() {
    String t = token(Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid"), api());
    objects.put("pods/ns1/p", new ObjectLookup.Found("pod-uid", NOW.minusSeconds(55)));
    assertThat(auth.authenticate(t)).isPresent();
    clock.advance(Duration.ofSeconds(4));
    assertThat(auth.authenticate(t)).isPresent();
    int before = lookups.get();
    clock.advance(Duration.ofSeconds(1));
    // 60 s after the deletion timestamp: checked again (not served for the rest of the TTL).
    assertThat(auth.authenticate(t)).isEmpty();
    assertThat(lookups.get()).isGreaterThan(before);
  }

  @Test
  void anExpiringTokenIsNotReusedPastItsExpiry() {
    String t = token(Duration.ofSeconds(1), null, api());
    // Valid until exp + 60 s leeway.
    clock.advance(Duration.ofSeconds(55));
    assertThat(auth.authenticate(t)).isPresent();
    clock.advance(Duration.ofSeconds(6));
    assertThat(auth.authenticate(t)).isEmpty();
  }

  @Test
  void aTokenForAnotherAudienceIsNotAnsweredFromTheApiEntry() {
    String t = token(Duration.ofHours(1), null, List.of("vault"));
    assertThat(auth.review(t, List.of("vault"))).isPresent();
    assertThat(auth.review(t, api())).isEmpty();
    assertThat(auth.authenticate(t)).isEmpty();
    String apiToken = token(Duration.ofHours(1), null, api());
    assertThat(auth.authenticate(apiToken)).isPresent();
    assertThat(auth.review(apiToken, List.of("vault"))).isEmpty();
  }

  @Test
  void aLegacyTokenDiesWithItsSecret() {
    String legacy = tokens.issueLegacy("ns1", "robot", "sa-uid", "robot-token");
    legacySecrets.put("ns1/robot-token", legacy);
    assertThat(auth.authenticate(legacy)).isPresent();
    assertThat(auth.authenticate(legacy)).isPresent();
    legacySecrets.remove("ns1/robot-token");
    cache.invalidate(new ObjectRef("secrets", "ns1", "robot-token"));
    assertThat(auth.authenticate(legacy)).isEmpty();
  }

  @Test
  void aRefusedTokenIsAcceptedOnceTheObjectItWaitsForAppears() {
    // Refusals are not cached (as upstream): no invalidation is needed for the next check.
    objects.remove("pods/ns1/p");
    String t = token(Duration.ofHours(1), new BoundToken.BoundObject("p", "pod-uid"), api());
    assertThat(auth.authenticate(t)).isEmpty();
    objects.put("pods/ns1/p", new ObjectLookup.Found("pod-uid", null));
    assertThat(auth.authenticate(t)).isPresent();
  }

  @Test
  void garbageIsRefusedWithoutLookupsOrEntries() {
    assertThat(auth.authenticate("not-a-jwt")).isEmpty();
    assertThat(auth.authenticate("abcdef.0123456789abcdef")).isEmpty();
    assertThat(cache.size()).isZero();
    assertThat(auth.authenticate("a.b.c")).isEmpty();
    assertThat(auth.authenticate("a.b.c")).isEmpty();
    assertThat(lookups).hasValue(0);
    assertThat(cache.hits()).isZero();
    assertThat(cache.size()).isZero();
  }

  List<String> api() {
    return tokens.apiAudiences();
  }
}
