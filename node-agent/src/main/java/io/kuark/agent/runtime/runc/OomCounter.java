package io.kuark.agent.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads how many processes the kernel's OOM killer killed in a container's memory cgroup: {@code
 * oom_kill} of {@code memory.oom_control} on a cgroup v1 memory hierarchy, or of {@code
 * memory.events} on cgroup v2 (a pure v2 mount at the root, or the {@code unified} mount of a
 * hybrid layout when the memory controller lives there).
 *
 * <p>The counter only exists while the cgroup does: runc removes it as the container exits, so the
 * runtime samples it while the container runs and the shim checks the kernel log at exit.
 */
final class OomCounter {

  private final Path cgroupRoot;

  /**
   * @param cgroupRoot where the cgroup hierarchies are mounted, normally {@code /sys/fs/cgroup}
   */
  OomCounter(Path cgroupRoot) {
    this.cgroupRoot = cgroupRoot;
  }

  /**
   * OOM kills so far in the cgroup {@code cgroupsPath} (relative to each hierarchy root), or -1
   * when no memory cgroup of that path can be read (not created yet, already removed).
   */
  long oomKills(String cgroupsPath) {
    if (cgroupsPath == null || cgroupsPath.isEmpty()) {
      return -1;
    }
    String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
    long v1 = read(cgroupRoot.resolve("memory").resolve(relative).resolve("memory.oom_control"));
    if (v1 >= 0) {
      return v1;
    }
    long v2 = read(cgroupRoot.resolve(relative).resolve("memory.events"));
    if (v2 >= 0) {
      return v2;
    }
    return read(cgroupRoot.resolve("unified").resolve(relative).resolve("memory.events"));
  }

  /** The {@code oom_kill} line of a flat-keyed cgroup file, -1 when unreadable or absent. */
  static long read(Path file) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("oom_kill ")) {
          return Long.parseLong(line.substring("oom_kill ".length()).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
