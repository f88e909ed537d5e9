package io.kuark.agent.eviction;

import io.kuark.agent.fs.FsUsage;
import io.kuark.agent.fs.FsUsageSource;
import io.kuark.agent.fs.StatvfsUsageSource;
import io.kuark.linux.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Eviction signals of this host: {@code memory.available} is {@code MemAvailable} of {@code
 * /proc/meminfo} against {@code MemTotal}; {@code nodefs.available} and {@code imagefs.available}
 * are the free space of the file systems holding the agent's data and its image store, {@code
 * nodefs.inodesFree} and {@code imagefs.inodesFree} their free inodes (statvfs; a file system that
 * does not count inodes reports none and its inode threshold is not evaluated); {@code
 * pid.available} is {@code kernel.pid_max} less the scheduling entities the kernel counts in {@code
 * /proc/loadavg}.
 */
public final class HostSignals implements SignalSource {

  private final Path proc;
  private final Path nodefs;
  private final Path imagefs;
  private final FsUsageSource fs;

  /** Like {@link #HostSignals(Path, Path, Path, FsUsageSource)} measuring with statvfs. */
  public HostSignals(Path proc, Path nodefs, Path imagefs) {
    this(proc, nodefs, imagefs, new StatvfsUsageSource(Linux.get()));
  }

  /**
   * @param proc procfs mount, normally {@code /proc}
   * @param nodefs a path on the node file system (the agent's data directory)
   * @param imagefs a path on the image file system (the image store)
   * @param fs measures those file systems
   */
  public HostSignals(Path proc, Path nodefs, Path imagefs, FsUsageSource fs) {
    this.proc = proc;
    this.nodefs = nodefs;
    this.imagefs = imagefs;
    this.fs = fs;
  }

  @Override
  public Map<String, Observation> observe() {
    Map<String, Observation> signals = new HashMap<>();
    memory(signals);
    disk(signals, "nodefs", nodefs);
    disk(signals, "imagefs", imagefs);
    pids(signals);
    return signals;
  }

  private void memory(Map<String, Observation> signals) {
    long total = -1;
    long available = -1;
    try {
      for (String line : Files.readAllLines(proc.resolve("meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          total = kib(line);
        } else if (line.startsWith("MemAvailable:")) {
          available = kib(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (total > 0 && available >= 0) {
      signals.put("memory.available", new Observation(available * 1024, total * 1024));
    }
  }

  private static long kib(String line) {
    String[] parts = line.trim().split("\\s+");
    return Long.parseLong(parts[1]);
  }

  private void disk(Map<String, Observation> signals, String prefix, Path path) {
    FsUsage usage;
    try {
      usage = fs.usage(path);
    } catch (IOException e) {
      return; // not measurable now; the thresholds are not evaluated
    }
    if (usage.capacityBytes() > 0) {
      signals.put(
          prefix + ".available", new Observation(usage.availableBytes(), usage.capacityBytes()));
    }
    if (usage.inodes() > 0) {
      signals.put(prefix + ".inodesFree", new Observation(usage.inodesFree(), usage.inodes()));
    }
  }

  private void pids(Map<String, Observation> signals) {
    try {
      long max = Long.parseLong(Files.readString(proc.resolve("sys/kernel/pid_max")).trim());
      List<String> fields = List.of(Files.readString(proc.resolve("loadavg")).trim().split(" "));
      long running = Long.parseLong(fields.get(3).substring(fields.get(3).indexOf('/') + 1));
      signals.put("pid.available", new Observation(Math.max(0, max - running), max));
    } catch (IOException | RuntimeException e) {
      // not measurable now
    }
  }
}
