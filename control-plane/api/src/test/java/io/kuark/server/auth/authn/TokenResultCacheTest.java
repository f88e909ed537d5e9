package io.kuark.server.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TokenResultCacheTest {

  static final Instant NOW = Instant.parse("2026-11-27T16:00:00Z");
  static final List<String> API = List.of("https://kubernetes.default.svc.cluster.local");
  static final ObjectRef SA = new ObjectRef("serviceaccounts", "ns1", "robot");

  final MutableClock clock = new MutableClock(NOW);
  final TokenResultCache<String> cache =
      new TokenResultCache<>(clock, Duration.ofSeconds(10), Duration.ofSeconds(10), 100);
  final AtomicInteger checks = new AtomicInteger();

  TokenResultCacheTest() {
    cache.enable(true);
  }

  Supplier<TokenVerdict<String>> accept(String user, Set<ObjectRef> deps, Instant validUntil) {
    return () -> {
      checks.incrementAndGet();
      return new TokenVerdict<>(Optional.of(user), deps, validUntil);
    };
  }

  Supplier<TokenVerdict<String>> refuse(Set<ObjectRef> deps) {
    return () -> {
      checks.incrementAndGet();
      return new TokenVerdict<>(Optional.empty(), deps, null);
    };
  }

  @Test
  void aSecondLookupIsAHitUntilTheTtlEnds() {
    assertThat(cache.get("tok", API, accept("robot", Set.of(SA), null))).contains("robot");
    assertThat(cache.get("tok", API, accept("other", Set.of(SA), null))).contains("robot");
    assertThat(checks).hasValue(1);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(9));
    assertThat(cache.get("tok", API, accept("other", Set.of(SA), null))).contains("robot");
    clock.advance(Duration.ofSeconds(1));
    // 10 s after it was cached the entry is gone: the token is checked again.
    assertThat(cache.get("tok", API, accept("other", Set.of(SA), null))).contains("other");
    assertThat(checks).hasValue(2);
  }

  @Test
  void anEntryNeverOutlivesItsVerdictsValidity() {
    Instant tokenExpiry = NOW.plusSeconds(3);
    cache.get("tok", API, accept("robot", Set.of(SA), tokenExpiry));
    clock.advance(Duration.ofSeconds(2));
    cache.get("tok", API, accept("robot", Set.of(SA), tokenExpiry));
    assertThat(checks).hasValue(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.get("tok", API, refuse(Set.of()))).isEmpty();
    assertThat(checks).hasValue(2);
    // An already-ended validity is not cached at all.
    cache.get("late", API, accept("robot", Set.of(SA), NOW));
    cache.get("late", API, accept("robot", Set.of(SA), NOW));
    assertThat(checks).hasValue(4);
  }

  @Test
  void refusalsAreCachedForTheFailureTtlOnly() {
    assertThat(cache.get("bad", API, refuse(Set.of()))).isEmpty();
    assertThat(cache.get("bad", API, accept("robot", Set.of(), null))).isEmpty();
    assertThat(checks).hasValue(1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.get("bad", API, accept("robot", Set.of(), null))).contains("robot");

    TokenResultCache<String> noFailures =
        new TokenResultCache<>(clock, Duration.ofSeconds(10), Duration.ZERO, 100);
    noFailures.enable(true);
    noFailures.get("bad", API, refuse(Set.of()));
    noFailures.get("bad", API, refuse(Set.of()));
    assertThat(checks).hasValue(4);
    assertThat(noFailures.size()).isZero();
  }

  @Test
  void distinctAudiencesAndTokensDoNotShareEntries() {
    assertThat(cache.get("tok", API, accept("robot", Set.of(SA), null))).contains("robot");
    assertThat(cache.get("tok", List.of("vault"), refuse(Set.of()))).isEmpty();
    assertThat(cache.get("tok", List.of(), refuse(Set.of()))).isEmpty();
    assertThat(cache.get("tok2", API, refuse(Set.of()))).isEmpty();
    assertThat(checks).hasValue(4);
    assertThat(cache.get("tok", API, refuse(Set.of()))).contains("robot");
    assertThat(cache.get("tok", List.of("vault"), accept("x", Set.of(), null))).isEmpty();
    assertThat(checks).hasValue(4);
    assertThat(cache.size()).isEqualTo(4);
  }

  @Test
  void invalidatingAnObjectDropsExactlyTheEntriesThatDependOnIt() {
    ObjectRef pod = new ObjectRef("pods", "ns1", "p");
    cache.get("sa-only", API, accept("robot", Set.of(SA), null));
    cache.get("pod-bound", API, accept("robot", Set.of(SA, pod), null));
    cache.get("refused", API, refuse(Set.of(pod)));
    cache.get(
        "other", API, accept("x", Set.of(new ObjectRef("serviceaccounts", "ns2", "x")), null));
    assertThat(checks).hasValue(4);

    cache.invalidate(pod);
    assertThat(cache.get("pod-bound", API, refuse(Set.of()))).isEmpty();
    // A refusal waiting for the pod is dropped too: the pod may have just been created.
    assertThat(cache.get("refused", API, accept("robot", Set.of(pod), null))).contains("robot");
    assertThat(cache.get("sa-only", API, refuse(Set.of()))).contains("robot");
    assertThat(checks).hasValue(6);

    cache.invalidate(SA);
    assertThat(cache.get("sa-only", API, refuse(Set.of()))).isEmpty();
    assertThat(cache.get("other", API, refuse(Set.of()))).contains("x");
    assertThat(checks).hasValue(7);
  }

  @Test
  void aResultCheckedWhileAnInvalidationRanIsNotKept() {
    Supplier<TokenVerdict<String>> racing =
        () -> {
          checks.incrementAndGet();
          // The object changes after the check read it but before the result is stored.
          cache.invalidate(SA);
          return new TokenVerdict<>(Optional.of("robot"), Set.of(SA), null);
        };
    assertThat(cache.get("tok", API, racing)).contains("robot");
    assertThat(cache.size()).isZero();
    assertThat(cache.get("tok", API, refuse(Set.of(SA)))).isEmpty();
    assertThat(checks).hasValue(2);
  }

  @Test
  void aDisabledCacheChecksEveryTimeAndDisablingEmptiesIt() {
    cache.get("tok", API, accept("robot", Set.of(SA), null));
    cache.enable(false);
    assertThat(cache.size()).isZero();
    cache.get("tok", API, accept("robot", Set.of(SA), null));
    cache.get("tok", API, accept("robot", Set.of(SA), null));
    assertThat(checks).hasValue(3);
    assertThat(cache.size()).isZero();

    TokenResultCache<String> never = TokenResultCache.disabled();
    never.get("tok", API, accept("robot", Set.of(SA), null));
    never.get("tok", API, accept("robot", Set.of(SA), null));
    assertThat(checks).hasValue(5);
  }

  @Test
  void theCacheStaysWithinItsBound() {
    TokenResultCache<String> small =
        new TokenResultCache<>(clock, Duration.ofSeconds(10), Duration.ofSeconds(10), 20);
    small.enable(true);
    for (int i = 0; i < 200; i++) {
      small.get("tok-" + i, API, accept("u" + i, Set.of(SA), null));
      assertThat(small.size()).isLessThanOrEqualTo(20);
    }
    // The newest entry is always kept.
    assertThat(small.get("tok-199", API, refuse(Set.of()))).contains("u199");
  }
}
