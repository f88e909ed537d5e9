package io.kuark.agent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads CPU and memory accounting of one cgroup from cgroup v1 ({@code cpuacct}, {@code memory}
 * hierarchies) or v2 (the unified hierarchy, also the {@code unified} mount of a hybrid host).
 */
final class CgroupStats {

  /** Usage of one cgroup; negative values are unknown. */
  record Usage(
      long cpuNanos,
      long memoryUsage,
      long workingSet,
      long rss,
      long pageFaults,
      long majorPageFaults) {}

  private final Path root;

  /**
   * @param root where the hierarchies are mounted ({@code /sys/fs/cgroup})
   */
  CgroupStats(Path root) {
    this.root = root;
  }

  /**
   * The usage of {@code path} (relative to each hierarchy root), or null when it does not exist.
   */
  Usage read(String path) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    Path cpuacct = root.resolve("cpuacct").resolve(relative);
    Path memory = root.resolve("memory").resolve(relative);
    if (Files.isDirectory(cpuacct) || Files.isDirectory(memory)) {
      return v1(cpuacct, memory);
    }
    Path unified =
        Files.exists(root.resolve("cgroup.controllers"))
            ? root.resolve(relative)
            : root.resolve("unified").resolve(relative);
    if (Files.isDirectory(unified)) {
      return v2(unified);
    }
    return null;
  }

  private static Usage v1(Path cpuacct, Path memory) {
    long cpu = number(cpuacct.resolve("cpuacct.usage"));
    long usage = number(memory.resolve("memory.usage_in_bytes"));
    Map<String, Long> stat = keyed(memory.resolve("memory.stat"));
    long inactive = stat.getOrDefault("total_inactive_file", 0L);
    long workingSet = usage < 0 ? -1 : Math.max(0, usage - inactive);
    return new Usage(
        cpu,
        usage,
        workingSet,
        stat.getOrDefault("total_rss", -1L),
        stat.getOrDefault("total_pgfault", -1L),
        stat.getOrDefault("total_pgmajfault", -1L));
  }

  private static Usage v2(Path dir) {
    Map<String, Long> cpu = keyed(dir.resolve("cpu.stat"));
    Long micros = cpu.get("usage_usec");
    long usage = number(dir.resolve("memory.current"));
    Map<String, Long> stat = keyed(dir.resolve("memory.stat"));
    long inactive = stat.getOrDefault("inactive_file", 0L);
    return new Usage(
        micros == null ? -1 : micros * 1000,
        usage,
        usage < 0 ? -1 : Math.max(0, usage - inactive),
        stat.getOrDefault("anon", -1L),
        stat.getOrDefault("pgfault", -1L),
        stat.getOrDefault("pgmajfault", -1L));
  }

  static long number(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.equals("max") ? -1 : Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** A {@code key value} per line file. */
  static Map<String, Long> keyed(Path file) {
    Map<String, Long> values = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        int space = line.indexOf(' ');
        if (space > 0) {
          try {
            values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
          } catch (NumberFormatException e) {
            // not a counter
          }
        }
      }
    } catch (IOException e) {
      // missing file: nothing known
    }
    return values;
  }
}
