package io.kuark.server.apimodel.strategy;

import java.util.regex.Pattern;

/** Syntax check of a cron schedule: five fields, or a predefined {@code @hourly}-style name. */
final class CronSchedule {

  private static final Pattern FIELD =
      Pattern.compile(
          "^(\\*|\\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?(,(\\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?)*$");

  private CronSchedule() {}

  static boolean isValid(String schedule) {
    String s = schedule.trim();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      // upstream rejects time zones in the schedule; spec.timeZone is the place for them
      return false;
    }
    if (s.startsWith("@")) {
      return s.matches("@(yearly|annually|monthly|weekly|daily|midnight|hourly)")
          || s.matches("@every [0-9hms.]+");
    }
    String[] fields = s.split("\\s+");
    if (fields.length != 5) {
      return false;
    }
    for (String f : fields) {
      if (!FIELD.matcher(f).matches()) {
        return false;
      }
    }
    return true;
  }
}
