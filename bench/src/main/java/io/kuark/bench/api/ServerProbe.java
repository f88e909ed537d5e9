package io.kuark.bench.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server JVM's CPU time (from {@code /proc/PID/stat}) and collection counts (from {@code jstat
 * -gc}, the JDK's own reader of the JVM's performance counters), read before and after a round so
 * that a round's cost can be reported per operation: on a shared 2-core machine wall-clock latency
 * follows the load, CPU time and GC counts much less.
 */
final class ServerProbe {

  /** Kernel clock ticks per second for utime/stime; 100 on every Linux architecture we run on. */
  private static final long TICKS_PER_SECOND = 100;

  private final long pid;
  private final Path jstat;

  ServerProbe(long pid) {
    this.pid = pid;
    String java = ProcessHandle.current().info().command().orElse("java");
    this.jstat = Path.of(java).resolveSibling("jstat");
  }

  boolean enabled() {
    return pid > 0;
  }

  /** What the server had used by now. */
  Sample sample() {
    if (!enabled()) {
      return new Sample(0, 0, 0);
    }
    long[] gcs = gcCounts();
    return new Sample(cpuMillis(), gcs[0], gcs[1]);
  }

  private long cpuMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may contain spaces) start at field 3.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 1000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Young and full collection counts; -1 when jstat cannot tell. */
  private long[] gcCounts() {
    try {
      Process p =
          new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
      p.waitFor();
      if (lines.size() < 2) {
        return new long[] {-1, -1};
      }
      List<String> head = List.of(lines.get(0).trim().split("\\s+"));
      String[] values = lines.get(1).trim().split("\\s+");
      return new long[] {
        Long.parseLong(values[head.indexOf("YGC")]), Long.parseLong(values[head.indexOf("FGC")])
      };
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new long[] {-1, -1};
    }
  }

  /** Server CPU (ms) and collection counts at one moment. */
  record Sample(long cpuMillis, long youngGcs, long fullGcs) {
    /** "CPU ms/op | young/full GCs" cells for the round from this sample to {@code after}. */
    String cellsUntil(Sample after, int ops, boolean enabled) {
      if (!enabled || ops == 0) {
        return "– | –";
      }
      return String.format(
          java.util.Locale.ROOT,
          "%.2f | %d/%d",
          (after.cpuMillis - cpuMillis) / (double) ops,
          after.youngGcs - youngGcs,
          after.fullGcs - fullGcs);
    }
  }
}
