package io.kuark.server.controller.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static ZonedDateTime next(String spec, String after) {
    return CronSchedule.parse(spec).orElseThrow().next(ZonedDateTime.parse(after)).orElseThrow();
  }

  @Test
  void stepsRangesListsAndNames() {
    assertThat(next("*/15 * * * *", "2026-01-01T10:07:30Z"))
        .isEqualTo(ZonedDateTime.parse("2026-01-01T10:15Z"));
    assertThat(next("0 9-17 * * MON-FRI", "2026-01-02T17:30Z"))
        .isEqualTo(ZonedDateTime.parse("2026-01-05T09:00Z"));
    assertThat(next("5,35 2 * JAN *", "2026-01-31T02:40Z"))
        .isEqualTo(ZonedDateTime.parse("2027-01-01T02:05Z"));
    assertThat(next("@hourly", "2026-01-01T10:00Z"))
        .isEqualTo(ZonedDateTime.parse("2026-01-01T11:00Z"));
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekMatchEither() {
    // 2026-01-01 is a Thursday; the 13th or any Friday, whichever comes first.
    assertThat(next("0 0 13 * FRI", "2026-01-01T00:00Z"))
        .isEqualTo(ZonedDateTime.parse("2026-01-02T00:00Z"));
  }

  @Test
  void evaluatesInTheGivenTimeZone() {
    ZonedDateTime after =
        ZonedDateTime.parse("2026-06-01T00:00Z").withZoneSameInstant(ZoneId.of("Europe/Berlin"));
    ZonedDateTime n = CronSchedule.parse("30 8 * * *").orElseThrow().next(after).orElseThrow();
    assertThat(n.toInstant()).isEqualTo(ZonedDateTime.parse("2026-06-01T06:30Z").toInstant());
  }

  @Test
  void rejectsGarbage() {
    assertThat(CronSchedule.parse("61 * * * *")).isEmpty();
    assertThat(CronSchedule.parse("* * *")).isEmpty();
    assertThat(CronSchedule.parse("TZ=UTC * * * * *")).isEmpty();
  }
}
