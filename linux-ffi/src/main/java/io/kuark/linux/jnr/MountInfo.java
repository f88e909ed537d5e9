package io.kuark.linux.jnr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads /proc/self/mountinfo. */
final class MountInfo {
  private MountInfo() {}

  /** The filesystem type of the topmost mount at {@code mountPoint}, if it is a mount point. */
  static Optional<String> fsTypeAt(Path mountPoint) {
    String wanted = mountPoint.toString();
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String found = null;
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length < 7 || !unescape(fields[4]).equals(wanted)) {
        continue;
      }
      for (int i = 6; i < fields.length - 1; i++) {
        if (fields[i].equals("-")) {
          found = fields[i + 1]; // later lines are mounted on top of earlier ones
          break;
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
