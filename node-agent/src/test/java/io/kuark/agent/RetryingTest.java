package io.kuark.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingTest {

  /** A failure that is tried again. */
  static final class Transient extends IOException {
    Transient(String message) {
      super(message);
    }
  }

  private final List<Duration> waits = new ArrayList<>();
  private final Retrying<Transient> retrying =
      new Retrying<>("doing it", Transient.class, Transient::getMessage);

  @Test
  void retriedFailuresAreTriedAgainAfterTheBackOffsWaits() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    String result =
        retrying.run(
            () -> {
              if (attempts.incrementAndGet() < 4) {
                throw new Transient("not yet");
              }
              return "done";
            },
            RetryBackoff.nodeRegistration(),
            waits::add,
            () -> false,
            cause -> new IOException("stopped", cause));

    assertThat(result).isEqualTo("done");
    assertThat(waits)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void anyOtherFailureEndsAtOnce() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrying.run(
                    () -> {
                      attempts.incrementAndGet();
                      throw new IOException("refused");
                    },
                    RetryBackoff.nodeRegistration(),
                    waits::add,
                    () -> false,
                    cause -> new IOException("stopped", cause)))
        .hasMessage("refused");
    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void aStopEndsTheRetriesWithTheLastFailureAsCause() {
    AtomicBoolean stopped = new AtomicBoolean();
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrying.run(
                    () -> {
                      attempts.incrementAndGet();
                      throw new Transient("down");
                    },
                    RetryBackoff.nodeRegistration(),
                    wait -> stopped.set(true),
                    stopped::get,
                    cause -> new IllegalStateException("stopped", cause)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("stopped")
        .hasCauseInstanceOf(Transient.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void noAttemptIsMadeOnceStopped() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retrying.run(
                    attempts::incrementAndGet,
                    RetryBackoff.nodeRegistration(),
                    waits::add,
                    () -> true,
                    cause -> new IOException("stopped", cause)))
        .hasMessage("stopped")
        .hasNoCause();
    assertThat(attempts).hasValue(0);
  }
}
