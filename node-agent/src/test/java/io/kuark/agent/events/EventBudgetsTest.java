package io.kuark.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventBudgetsTest {

  /** A clock the test moves. */
  @Test
  void aBurstOfTwentyFiveThenOneEveryFiveMinutes() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    EventBudgets budgets = new EventBudgets(clock);
    for (int i = 0; i < EventBudgets.BURST; i++) {
      assertThat(budgets.take("pod/a")).isTrue();
    }
    assertThat(budgets.take("pod/a")).isFalse();
    assertThat(budgets.take("pod/b")).as("another object has its own budget").isTrue();

    clock.advance(Duration.ofMinutes(4));
    assertThat(budgets.take("pod/a")).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(budgets.take("pod/a")).isTrue();
    assertThat(budgets.take("pod/a")).isFalse();
  }
}
