package io.kuark.server.controller.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Kubernetes {@code metav1.Time} (RFC 3339, second precision) and {@code MicroTime} strings. */
public final class Times {
  private Times() {}

  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public static String now(Clock clock) {
    return format(clock.instant());
  }

  public static String micro(Instant t) {
    Instant m = t.truncatedTo(ChronoUnit.MICROS);
    String s = m.toString();
    // Instant.toString drops zero fractions; MicroTime always has six digits.
    if (m.getNano() == 0) {
      return s.substring(0, s.length() - 1) + ".000000Z";
    }
    return s;
  }

  /** Parses a timestamp; null or garbage gives null. */
  public static Instant parse(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
