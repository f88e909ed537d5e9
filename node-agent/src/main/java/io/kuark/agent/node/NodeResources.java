package io.kuark.agent.node;

import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's capacity and allocatable resources, read from {@code /proc/meminfo}, the CPU count and
 * the filesystem holding the agent's data. Allocatable keeps back a system reservation, like
 * kubelet's {@code --system-reserved} and the hard eviction threshold (100Mi memory).
 */
public final class NodeResources {

  static final long MEMORY_RESERVED = 256L << 20;
  static final long EVICTION_MEMORY = 100L << 20;
  static final int MAX_PODS = 110;

  private NodeResources() {}

  public static Map<String, Quantity> capacity(Path dataDir) throws IOException {
    Map<String, Quantity> capacity = new LinkedHashMap<>();
    capacity.put("cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())));
    capacity.put("memory", new Quantity(memTotalKib() + "Ki"));
    capacity.put("ephemeral-storage", new Quantity(disk(dataDir) / 1024 + "Ki"));
    capacity.put("pods", new Quantity(Integer.toString(MAX_PODS)));
    return capacity;
  }

  public static Map<String, Quantity> allocatable(Map<String, Quantity> capacity) {
    Map<String, Quantity> allocatable = new LinkedHashMap<>(capacity);
    long memory = capacity.get("memory").getNumericalAmount().longValue();
    long usable = Math.max(0, memory - MEMORY_RESERVED - EVICTION_MEMORY);
    allocatable.put("memory", new Quantity(usable / 1024 + "Ki"));
    long disk = capacity.get("ephemeral-storage").getNumericalAmount().longValue();
    // nodefs.available<10% is the eviction threshold: that part is never allocatable.
    allocatable.put("ephemeral-storage", new Quantity(Long.toString(disk * 9 / 10)));
    return allocatable;
  }

  /** MemTotal in KiB from /proc/meminfo. */
  static long memTotalKib() throws IOException {
    return meminfoKib("MemTotal");
  }

  /** MemAvailable in KiB from /proc/meminfo. */
  public static long memAvailableKib() throws IOException {
    return meminfoKib("MemAvailable");
  }

  private static long meminfoKib(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith(key + ":")) {
        String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    throw new IOException(key + " missing from /proc/meminfo");
  }

  private static long disk(Path dataDir) throws IOException {
    Path existing = dataDir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    FileStore store = Files.getFileStore(existing == null ? Path.of("/") : existing);
    return store.getTotalSpace();
  }

  /** Fraction of the data filesystem still available (0..1). */
  public static double diskAvailableFraction(Path dataDir) throws IOException {
    FileStore store = Files.getFileStore(dataDir);
    return store.getTotalSpace() == 0 ? 1 : (double) store.getUsableSpace() / store.getTotalSpace();
  }
}
