package io.kuark.server.apimodel.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

  @Test
  void followsUpstreamGranularity() {
    assertThat(HumanDuration.format(Duration.ofSeconds(-1))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    assertThat(HumanDuration.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(HumanDuration.format(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(HumanDuration.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(HumanDuration.format(Duration.ofSeconds(310))).isEqualTo("5m10s");
    assertThat(HumanDuration.format(Duration.ofMinutes(10).plusSeconds(30))).isEqualTo("10m");
    assertThat(HumanDuration.format(Duration.ofMinutes(179))).isEqualTo("179m");
    assertThat(HumanDuration.format(Duration.ofHours(3))).isEqualTo("3h");
    assertThat(HumanDuration.format(Duration.ofMinutes(3 * 60 + 5))).isEqualTo("3h5m");
    assertThat(HumanDuration.format(Duration.ofHours(47))).isEqualTo("47h");
    assertThat(HumanDuration.format(Duration.ofHours(50))).isEqualTo("2d2h");
    assertThat(HumanDuration.format(Duration.ofDays(12))).isEqualTo("12d");
    assertThat(HumanDuration.format(Duration.ofDays(800))).isEqualTo("2y70d");
    assertThat(HumanDuration.format(Duration.ofDays(365 * 9))).isEqualTo("9y");
  }

  @Test
  void sinceHandlesMissingAndBadTimestamps() {
    Instant now = Instant.parse("2024-01-01T01:00:00Z");
    assertThat(HumanDuration.since("2024-01-01T00:55:00Z", now)).isEqualTo("5m");
    assertThat(HumanDuration.since("", now)).isEqualTo("<unknown>");
    assertThat(HumanDuration.since(null, now)).isEqualTo("<unknown>");
    assertThat(HumanDuration.since("yesterday", now)).isEqualTo("<invalid>");
  }
}
