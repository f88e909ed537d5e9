package io.kuark.agent.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * One line of a CRI-format log file: {@code <RFC3339Nano> <stream> <F|P> <content>}.
 *
 * @param time when it was written
 * @param stream {@code stdout} or {@code stderr}
 * @param partial tag {@code P}: the line continues in the next record
 * @param content the content without a newline
 */
record CriLogRecord(Instant time, String stream, boolean partial, byte[] content) {

  /** Parses one line (without its newline); null for a line that is not CRI format. */
  static CriLogRecord parse(byte[] line, int length) {
    int first = indexOf(line, 0, length);
    if (first < 0) {
      return null;
    }
    int second = indexOf(line, first + 1, length);
    if (second < 0) {
      return null;
    }
    int third = indexOf(line, second + 1, length);
    int tagEnd = third < 0 ? length : third;
    Instant time;
    try {
      time = Instant.parse(new String(line, 0, first, StandardCharsets.US_ASCII));
    } catch (DateTimeParseException e) {
      return null;
    }
    String stream = new String(line, first + 1, second - first - 1, StandardCharsets.US_ASCII);
    String tag = new String(line, second + 1, tagEnd - second - 1, StandardCharsets.US_ASCII);
    byte[] content = third < 0 ? new byte[0] : Arrays.copyOfRange(line, third + 1, length);
    return new CriLogRecord(time, stream, tag.equals("P"), content);
  }

  private static int indexOf(byte[] line, int from, int length) {
    for (int i = from; i < length; i++) {
      if (line[i] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /** RFC3339 with up to nanoseconds and trailing zeros trimmed, as Go's RFC3339Nano prints. */
  static String formatTime(Instant time) {
    String text = time.toString();
    // Instant.toString prints 0, 3, 6 or 9 fraction digits; Go trims every trailing zero.
    int dot = text.indexOf('.');
    if (dot < 0) {
      return text;
    }
    int end = text.length() - 1; // the 'Z'
    int last = end - 1;
    while (last > dot && text.charAt(last) == '0') {
      last--;
    }
    return last == dot ? text.substring(0, dot) + "Z" : text.substring(0, last + 1) + "Z";
  }
}
