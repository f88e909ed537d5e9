package io.kuark.bench.podstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system, milliseconds) of a process and all its live descendants, each with the
 * CPU of its already reaped children ({@code cutime}/{@code cstime}), from {@code /proc}. For the
 * agent that covers its JVM, the runc and CNI processes it ran and waited for, and the container
 * shims still running.
 */
final class ProcessCpu {

  private static final double TICK_MS = 10.0; // USER_HZ is 100 on Linux

  private ProcessCpu() {}

  /** CPU milliseconds of {@code pid}'s tree now; 0 for pid <= 0 or a vanished process. */
  static double treeMillis(long pid) {
    if (pid <= 0) {
      return 0;
    }
    Map<Long, List<Long>> children = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path dir : procs.toList()) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] stat = stat(dir.resolve("stat"));
        if (stat != null) {
          children.computeIfAbsent(stat[0], k -> new ArrayList<>()).add(Long.parseLong(name));
          ticks.put(Long.parseLong(name), stat[1]);
        }
      }
    } catch (IOException e) {
      return 0;
    }
    long total = 0;
    List<Long> todo = new ArrayList<>(List.of(pid));
    while (!todo.isEmpty()) {
      long next = todo.remove(todo.size() - 1);
      total += ticks.getOrDefault(next, 0L);
      todo.addAll(children.getOrDefault(next, List.of()));
    }
    return total * TICK_MS;
  }

  /** {ppid, utime+stime+cutime+cstime} from a {@code /proc/<pid>/stat}, null when unreadable. */
  private static long[] stat(Path file) {
    try {
      String text = Files.readString(file);
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
      long ppid = Long.parseLong(f[1]);
      long cpu =
          Long.parseLong(f[11])
              + Long.parseLong(f[12])
              + Long.parseLong(f[13])
              + Long.parseLong(f[14]);
      return new long[] {ppid, cpu};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
