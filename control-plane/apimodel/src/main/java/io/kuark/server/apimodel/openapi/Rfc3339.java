package io.kuark.server.apimodel.openapi;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Parses RFC 3339 date-times as Go's {@code time.Parse} does for upstream's {@code metav1.Time}
 * ({@code 2006-01-02T15:04:05Z07:00}, a fraction of any length accepted) and re-encodes them as
 * {@code Time} or {@code MicroTime} encode: in UTC, with whole seconds or six fractional digits.
 * Java's ISO parsers are not used because they take a time without seconds, which is no RFC 3339.
 *
 * <p>A {@code MicroTime} is taken with a fraction of any length (or none) and truncated or padded
 * to six digits. Upstream's decoder is stricter there (exactly six digits); clients that send fewer
 * are common, and six digits are what every reader gets back either way.
 */
final class Rfc3339 {

  static final String LAYOUT = "2006-01-02T15:04:05Z07:00";
  static final String MICRO_LAYOUT = "2006-01-02T15:04:05.000000Z07:00";

  private Rfc3339() {}

  /**
   * The time re-encoded, or null when {@code text} is no RFC 3339 date-time.
   *
   * @param micros true: six fractional digits ({@code MicroTime}); false: whole seconds ({@code
   *     Time})
   */
  static String normalise(String text, boolean micros) {
    int n = text.length();
    if (n < 20
        || !digits(text, 0, 4)
        || text.charAt(4) != '-'
        || !digits(text, 5, 7)
        || text.charAt(7) != '-'
        || !digits(text, 8, 10)
        || text.charAt(10) != 'T'
        || !digits(text, 11, 13)
        || text.charAt(13) != ':'
        || !digits(text, 14, 16)
        || text.charAt(16) != ':'
        || !digits(text, 17, 19)) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (text.charAt(i) == '.') {
      int start = ++i;
      while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        if (i - start < 9) {
          nanos = nanos * 10 + (text.charAt(i) - '0');
        }
        i++;
      }
      if (i == start) {
        return null;
      }
      for (int d = Math.min(i - start, 9); d < 9; d++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset;
    if (i == n - 1 && text.charAt(i) == 'Z') {
      offset = ZoneOffset.UTC;
    } else if (i == n - 6
        && (text.charAt(i) == '+' || text.charAt(i) == '-')
        && digits(text, i + 1, i + 3)
        && text.charAt(i + 3) == ':'
        && digits(text, i + 4, i + 6)) {
      int hours = number(text, i + 1, i + 3);
      int minutes = number(text, i + 4, i + 6);
      if (hours > 23 || minutes > 59) {
        return null;
      }
      int sign = text.charAt(i) == '-' ? -1 : 1;
      try {
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      } catch (DateTimeException e) {
        return null;
      }
    } else {
      return null;
    }
    OffsetDateTime t;
    try {
      t =
          OffsetDateTime.of(
              number(text, 0, 4),
              number(text, 5, 7),
              number(text, 8, 10),
              number(text, 11, 13),
              number(text, 14, 16),
              number(text, 17, 19),
              nanos,
              offset);
    } catch (DateTimeException e) {
      return null;
    }
    OffsetDateTime utc = t.withOffsetSameInstant(ZoneOffset.UTC);
    if (utc.getYear() < 0 || utc.getYear() > 9999) {
      return null;
    }
    StringBuilder b = new StringBuilder(micros ? 27 : 20);
    pad(b, utc.getYear(), 4).append('-');
    pad(b, utc.getMonthValue(), 2).append('-');
    pad(b, utc.getDayOfMonth(), 2).append('T');
    pad(b, utc.getHour(), 2).append(':');
    pad(b, utc.getMinute(), 2).append(':');
    pad(b, utc.getSecond(), 2);
    if (micros) {
      pad(b.append('.'), utc.getNano() / 1000, 6);
    }
    return b.append('Z').toString();
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }
}
