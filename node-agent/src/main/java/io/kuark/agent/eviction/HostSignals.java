package io.kuark.agent.eviction;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Eviction signals of this host: {@code memory.available} is {@code MemAvailable} of {@code
 * /proc/meminfo} against {@code MemTotal}; {@code nodefs.available} and {@code imagefs.available}
 * are the free space of the file systems holding the agent's data and its image store (statfs);
 * {@code pid.available} is {@code kernel.pid_max} less the scheduling entities the kernel counts in
 * {@code /proc/loadavg}. Inode signals are not measured (the JDK has no statfs inode counts).
 */
public final class HostSignals implements SignalSource {

  private final Path proc;
  private final Path nodefs;
  private final Path imagefs;

  /**
   * @param proc procfs mount, normally {@code /proc}
   * @param nodefs a path on the node file system (the agent's data directory)
   * @param imagefs a path on the image file system (the image store)
   */
  public HostSignals(Path proc, Path nodefs, Path imagefs) {
    this.proc = proc;
    this.nodefs = nodefs;
    this.imagefs = imagefs;
  }

  @Override
  public Map<String, Observation> observe() {
    Map<String, Observation> signals = new HashMap<>();
    memory(signals);
    disk(signals, "nodefs.available", nodefs);
    disk(signals, "imagefs.available", imagefs);
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

  private static void disk(Map<String, Observation> signals, String signal, Path path) {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    try {
      FileStore store = Files.getFileStore(existing);
      long total = store.getTotalSpace();
      if (total > 0) {
        signals.put(signal, new Observation(store.getUsableSpace(), total));
      }
    } catch (IOException e) {
      // not measurable now; the threshold is not evaluated
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
