package io.kuark.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventBudgetsTest {

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aBurstOfTwentyFiveThenOneEveryFiveMinutes() {
    MovableClock clock = new MovableClock();
    EventBudgets budgets = new EventBudgets(clock);
    for (int i = 0; i < EventBudgets.BURST; i++) {
      assertThat(budgets.take("pod/a")).isTrue();
    }
    assertThat(budgets.take("pod/a")).isFalse();
    assertThat(budgets.take("pod/b")).as("another object has its own budget").isTrue();

    clock.now = clock.now.plus(Duration.ofMinutes(4));
    assertThat(budgets.take("pod/a")).isFalse();
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertThat(budgets.take("pod/a")).isTrue();
    assertThat(budgets.take("pod/a")).isFalse();
  }
}
