package io.kuark.agent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Go's {@code time.ParseDuration} takes them, the form of every kubelet
 * duration flag: an optional sign and a sequence of decimal numbers, each with a unit ({@code ns},
 * {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}), such as {@code 300ms},
 * {@code 1m30s} or {@code 1.5h}; a bare {@code 0} is zero. Fractions below a nanosecond are
 * dropped.
 */
final class GoDuration {

  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private static final Map<String, Long> NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "μs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * The duration {@code text} stands for.
   *
   * @throws IllegalArgumentException when it is not a Go duration or does not fit in 292 years
   */
  static Duration parse(String text) {
    String rest = text.trim();
    boolean negative = rest.startsWith("-");
    if (negative || rest.startsWith("+")) {
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return Duration.ZERO;
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = PART.matcher(rest);
    int at = 0;
    while (at < rest.length()) {
      part.region(at, rest.length());
      if (!part.lookingAt()) {
        throw new IllegalArgumentException("not a duration: " + text);
      }
      BigDecimal unit = BigDecimal.valueOf(NANOS.get(part.group(2)));
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unit));
      at = part.end();
    }
    try {
      long whole = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
      return Duration.ofNanos(negative ? -whole : whole);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration out of range: " + text);
    }
  }
}
