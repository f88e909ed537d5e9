package io.kuark.agent.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * How a container ended, as the shim records it in the bundle's {@code exit} file: one line {@code
 * "<code>[ oom]"}, the file's modification time being when the container ended. The shim writes the
 * file in place (a rename would cost an {@code mv} process per container), so a file without its
 * final newline is one still being written. Shims started by earlier agent versions, which keep
 * running the script they were started with, wrote {@code "<code> <epochMillis>[ oom]"}: that time
 * is taken when present.
 *
 * @param code the exit status (128 + signal for a container killed by a signal)
 * @param finished when the container ended
 * @param oomKilled whether the shim found an OOM kill of the container's cgroup
 */
record ExitRecord(int code, Instant finished, boolean oomKilled) {

  private static final long COMPLETE_WAIT_NANOS = 100_000_000L;

  /**
   * Parses an exit file's content.
   *
   * @param modified the file's modification time
   * @return null when the line is not complete yet (no final newline)
   * @throws IllegalArgumentException when a complete line does not hold an exit status
   */
  static ExitRecord parse(String content, Instant modified) {
    if (!content.endsWith("\n")) {
      return null;
    }
    String[] parts = content.trim().split(" ");
    int code;
    try {
      code = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("no exit status in " + content.trim(), e);
    }
    Instant finished = modified;
    boolean oom = false;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].equals("oom")) {
        oom = true;
      } else if (!parts[i].isEmpty() && parts[i].chars().allMatch(Character::isDigit)) {
        finished = Instant.ofEpochMilli(Long.parseLong(parts[i]));
      } else {
        throw new IllegalArgumentException("unknown field " + parts[i] + " in " + content.trim());
      }
    }
    return new ExitRecord(code, finished, oom);
  }

  /**
   * Reads an exit file that exists: a shim caught between creating and writing it is given a moment
   * (it has nothing left to do but that write).
   *
   * @throws IOException when it cannot be read, or is still incomplete after the wait (a shim that
   *     was killed in between)
   */
  static ExitRecord read(Path exit) throws IOException {
    long deadline = System.nanoTime() + COMPLETE_WAIT_NANOS;
    while (true) {
      // Content first: once it is complete, the time read after it is the final one.
      String content = Files.readString(exit);
      Instant modified = Files.getLastModifiedTime(exit).toInstant();
      ExitRecord record = parse(content, modified);
      if (record != null) {
        return record;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("incomplete exit file: \"" + content + "\"");
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted reading " + exit, e);
      }
    }
  }
}
