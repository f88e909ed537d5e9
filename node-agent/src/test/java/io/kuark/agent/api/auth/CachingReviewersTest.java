package io.kuark.agent.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.agent.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingReviewersTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final Caller jane = new Caller("jane", null, List.of("dev"));
  private final KubeletAttributes exec = new KubeletAttributes("create", "proxy", "n");

  @Test
  void tokenAnswersAreRememberedForTheTtlAndFailuresNot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    boolean[] fail = {true};
    TokenReviewer api =
        token -> {
          calls.incrementAndGet();
          if (fail[0]) {
            throw new IOException("down");
          }
          return token.equals("good") ? Optional.of(jane) : Optional.empty();
        };
    CachingTokenReviewer cache = new CachingTokenReviewer(api, Duration.ofMinutes(2), clock);
    assertThatThrownBy(() -> cache.review("good")).isInstanceOf(IOException.class);
    fail[0] = false;
    assertThat(cache.review("good")).contains(jane);
    assertThat(cache.review("good")).contains(jane);
    assertThat(cache.review("bad")).isEmpty();
    assertThat(cache.review("bad")).isEmpty();
    assertThat(calls.get()).isEqualTo(3);
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.review("good")).contains(jane);
    assertThat(calls.get()).isEqualTo(4);
  }

  @Test
  void allowedIsRememberedFiveMinutesDeniedThirtySeconds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    boolean[] allow = {false};
    AccessReviewer api =
        (caller, attributes) -> {
          calls.incrementAndGet();
          return allow[0];
        };
    CachingAccessReviewer cache = new CachingAccessReviewer(api, clock);
    assertThat(cache.allowed(jane, exec)).isFalse();
    allow[0] = true;
    assertThat(cache.allowed(jane, exec)).isFalse();
    assertThat(calls.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(cache.allowed(jane, exec)).isTrue();
    assertThat(calls.get()).isEqualTo(2);
    // Another request (other verb) is its own question.
    assertThat(cache.allowed(jane, new KubeletAttributes("get", "proxy", "n"))).isTrue();
    assertThat(calls.get()).isEqualTo(3);
    allow[0] = false;
    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.allowed(jane, exec)).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.allowed(jane, exec)).isFalse();
  }
}
