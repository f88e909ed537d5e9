package io.kuark.server.apimodel.table;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Formats ages the way kubectl shows them against upstream ({@code 45s}, {@code 5m10s}, {@code 3h},
 * {@code 12d}, {@code 2y30d}): second precision below 2 minutes, then minutes with seconds below 10
 * minutes, minutes below 3 hours, hours with minutes below 8 hours, hours below 2 days, days with
 * hours below 8 days, days below 2 years, years with days below 8 years, then years.
 */
public final class HumanDuration {

  private HumanDuration() {}

  /** The human form of a duration; slightly negative values (clock skew) become {@code 0s}. */
  public static String format(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return (hours / 24) + "d";
    }
    if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? (hours / 24 / 365) + "y" : (hours / 24 / 365) + "y" + days + "d";
    }
    return (hours / 24 / 365) + "y";
  }

  /**
   * The age of an RFC 3339 timestamp at {@code now}: {@code <unknown>} when absent or empty, {@code
   * <invalid>} when it does not parse.
   */
  public static String since(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return format(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }
}
