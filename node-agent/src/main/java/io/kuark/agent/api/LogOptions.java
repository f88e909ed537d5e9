package io.kuark.agent.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The query parameters of {@code /containerLogs} (upstream {@code PodLogOptions}).
 *
 * @param follow keep streaming new lines until the container stops
 * @param previous read the previous attempt of the container
 * @param tailLines only the last N lines (null: all)
 * @param since only lines at or after this instant (null: all)
 * @param timestamps prefix every line with its RFC3339Nano timestamp
 * @param limitBytes stop after this many bytes (null: no limit)
 */
public record LogOptions(
    boolean follow,
    boolean previous,
    Long tailLines,
    Instant since,
    boolean timestamps,
    Long limitBytes) {

  /** A bad query parameter; the message names it. */
  public static final class InvalidException extends Exception {
    InvalidException(String message) {
      super(message);
    }
  }

  /** Parses the query; {@code now} anchors {@code sinceSeconds}. */
  public static LogOptions parse(Map<String, List<String>> query, Instant now)
      throws InvalidException {
    Long sinceSeconds = number(query, "sinceSeconds", 1);
    String sinceTime = value(query, "sinceTime");
    if (sinceSeconds != null && sinceTime != null) {
      throw new InvalidException("at most one of sinceTime or sinceSeconds may be specified");
    }
    Instant since = null;
    if (sinceSeconds != null) {
      since = now.minusSeconds(sinceSeconds);
    } else if (sinceTime != null) {
      try {
        since = Instant.parse(sinceTime);
      } catch (DateTimeParseException e) {
        throw new InvalidException("sinceTime: invalid RFC3339 time " + sinceTime);
      }
    }
    return new LogOptions(
        flag(query, "follow"),
        flag(query, "previous"),
        number(query, "tailLines", 0),
        since,
        flag(query, "timestamps"),
        number(query, "limitBytes", 1));
  }

  static boolean flag(Map<String, List<String>> query, String name) {
    String value = value(query, name);
    return value != null
        && (value.isEmpty() || value.equals("1") || value.equalsIgnoreCase("true"));
  }

  static String value(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static Long number(Map<String, List<String>> query, String name, long min)
      throws InvalidException {
    String value = value(query, name);
    if (value == null) {
      return null;
    }
    try {
      long n = Long.parseLong(value);
      if (n < min) {
        throw new InvalidException(name + ": must be greater than or equal to " + min);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidException(name + ": not a number: " + value);
    }
  }
}
