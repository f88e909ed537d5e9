package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

  @Test
  void firstRestartIsImmediateThenDoublesFromTenSecondsToFiveMinutes() {
    Duration shortRun = Duration.ofSeconds(1);
    assertThat(RestartBackoff.delay(0, shortRun)).isZero();
    assertThat(RestartBackoff.delay(1, shortRun)).hasSeconds(10);
    assertThat(RestartBackoff.delay(2, shortRun)).hasSeconds(20);
    assertThat(RestartBackoff.delay(3, shortRun)).hasSeconds(40);
    assertThat(RestartBackoff.delay(6, shortRun)).hasSeconds(300);
    assertThat(RestartBackoff.delay(50, shortRun)).hasSeconds(300);
  }

  @Test
  void aLongRunResetsTheBackoff() {
    assertThat(RestartBackoff.delay(5, Duration.ofMinutes(10))).isZero();
  }
}
