package io.kuark.server.controller.cronjob;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Map;
import java.util.Optional;

/**
 * A standard five-field cron schedule (minute hour day-of-month month day-of-week) with ranges,
 * lists, steps, names (JAN, MON) and the {@code @hourly}-style macros, evaluated as upstream's
 * robfig/cron does: when both day fields are restricted, either may match.
 */
public final class CronSchedule {
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly",
          "0 0 1 1 *",
          "@annually",
          "0 0 1 1 *",
          "@monthly",
          "0 0 1 * *",
          "@weekly",
          "0 0 * * 0",
          "@daily",
          "0 0 * * *",
          "@midnight",
          "0 0 * * *",
          "@hourly",
          "0 * * * *");
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;

  private CronSchedule(String[] f) {
    minutes = field(f[0], 0, 59, null);
    hours = field(f[1], 0, 23, null);
    daysOfMonth = field(f[2], 1, 31, null);
    months = field(f[3], 1, 12, MONTHS);
    daysOfWeek = field(f[4], 0, 7, DAYS);
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    domStar = f[2].equals("*") || f[2].equals("?");
    dowStar = f[4].equals("*") || f[4].equals("?");
  }

  /** Parses {@code spec}; empty when it is not a valid schedule. */
  public static Optional<CronSchedule> parse(String spec) {
    if (spec == null) {
      return Optional.empty();
    }
    String s = spec.trim();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      // Upstream rejects time zones inside the schedule; spec.timeZone is the supported way.
      return Optional.empty();
    }
    s = MACROS.getOrDefault(s.toLowerCase(), s);
    String[] f = s.split("\\s+");
    if (f.length != 5) {
      return Optional.empty();
    }
    try {
      return Optional.of(new CronSchedule(f));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static BitSet field(String text, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = Integer.parseInt(part.substring(slash + 1));
        range = part.substring(0, slash);
        if (step <= 0) {
          throw new IllegalArgumentException("step");
        }
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else if (range.contains("-")) {
        String[] lh = range.split("-", 2);
        lo = value(lh[0], names, min);
        hi = value(lh[1], names, min);
      } else {
        lo = value(range, names, min);
        hi = slash >= 0 ? max : lo;
      }
      if (lo < min || hi > max || lo > hi) {
        throw new IllegalArgumentException("range " + part);
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int value(String s, String[] names, int min) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) {
          return i + min;
        }
      }
    }
    return Integer.parseInt(s);
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow;
  }

  /** The first activation strictly after {@code after} (searching at most five years ahead). */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = after.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return Optional.of(t);
    }
    return Optional.empty();
  }
}
