package io.kuark.agent.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.fs.FsUsage;
import io.kuark.agent.fs.FsUsageSource;
import io.kuark.agent.fs.StatvfsUsageSource;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds upstream's Summary API document ({@code /stats/summary}, {@code stats/v1alpha1}) from
 * /proc, the pods' and containers' cgroups, their network namespaces and disk usage: node CPU,
 * memory, network, fs and image fs; per pod and per running container CPU ({@code usageNanoCores},
 * {@code usageCoreNanoSeconds}), memory ({@code usageBytes}, {@code workingSetBytes}, ...), rootfs
 * and logs usage, pod network, volumes (the pod's own volume directories: emptyDir, configMap,
 * secret, downwardAPI, projected; hostPath is not the pod's) and ephemeral storage; file system
 * entries carry inode counts (statvfs for the file system, a walk for what a pod uses). Rates need
 * two samples a second apart: {@link #sample()} runs periodically so the first request already has
 * them.
 */
public final class SummaryBuilder {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where things are.
   *
   * @param dataDir the agent's directory: pods' volumes under {@code pods/<uid>/volumes/<name>},
   *     the image store under {@code content}
   * @param fs measures file systems (bytes and inodes)
   */
  public record Sources(
      String nodeName,
      ContainerRuntime runtime,
      Path podLogDir,
      Path dataDir,
      Path cgroupRoot,
      Path proc,
      Clock clock,
      FsUsageSource fs) {

    /** Sources measuring file systems with statvfs. */
    public Sources(
        String nodeName,
        ContainerRuntime runtime,
        Path podLogDir,
        Path dataDir,
        Path cgroupRoot,
        Path proc,
        Clock clock) {
      this(
          nodeName,
          runtime,
          podLogDir,
          dataDir,
          cgroupRoot,
          proc,
          clock,
          new StatvfsUsageSource(io.kuark.linux.Linux.get()));
    }
  }

  /** Bytes and inodes (files, directories, links) under a directory. */
  record DiskUse(long bytes, long inodes) {}

  private record Running(
      String id,
      String podUid,
      String namespace,
      String podName,
      String container,
      String cgroupsPath,
      ContainerStatus status) {}

  private final Sources sources;
  private final CgroupStats cgroups;
  private final ProcStats proc;
  private final RateTracker rates = new RateTracker();

  public SummaryBuilder(Sources sources) {
    this.sources = sources;
    this.cgroups = new CgroupStats(sources.cgroupRoot());
    this.proc = new ProcStats(sources.proc());
  }

  /** Takes CPU samples only (cheap), so rates are known when a summary is asked for. */
  public synchronized void sample() {
    long now = System.nanoTime();
    Set<String> live = new HashSet<>();
    rates.rate("node", proc.cpuNanos(), now);
    live.add("node");
    for (Running c : running()) {
      CgroupStats.Usage usage = cgroups.read(c.cgroupsPath());
      if (usage != null) {
        rates.rate("c/" + c.id(), usage.cpuNanos(), now);
        live.add("c/" + c.id());
      }
      String pod = parent(c.cgroupsPath());
      CgroupStats.Usage podUsage = cgroups.read(pod);
      if (podUsage != null) {
        rates.rate("p/" + c.podUid(), podUsage.cpuNanos(), now);
        live.add("p/" + c.podUid());
      }
    }
    rates.retain(live);
  }

  /** Pods with a running app container, and running app containers. */
  public int[] runningCounts() {
    List<Running> all = running();
    Set<String> pods = new HashSet<>();
    for (Running c : all) {
      pods.add(c.podUid());
    }
    return new int[] {pods.size(), all.size()};
  }

  /**
   * Samples every {@code period} on a daemon thread until closed, so CPU rates are ready at the
   * first request.
   */
  public AutoCloseable startSampling(java.time.Duration period) {
    java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "stats-sampler");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            sample();
          } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(SummaryBuilder.class)
                .debugf("stats sample failed: %s", e.getMessage());
          }
        },
        0,
        period.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return timer::shutdownNow;
  }

  /** The summary as of now. */
  public synchronized JsonNode build() {
    long now = System.nanoTime();
    String time = sources.clock().instant().toString();
    ObjectNode summary = JSON.createObjectNode();
    summary.set("node", node(time, now));
    ArrayNode pods = summary.putArray("pods");
    Map<String, List<Running>> byPod = new LinkedHashMap<>();
    for (Running c : running()) {
      byPod.computeIfAbsent(c.podUid(), k -> new ArrayList<>()).add(c);
    }
    for (List<Running> containers : byPod.values()) {
      pods.add(pod(containers, time, now));
    }
    return summary;
  }

  private ObjectNode node(String time, long now) {
    ObjectNode node = JSON.createObjectNode();
    node.put("nodeName", sources.nodeName());
    node.putArray("systemContainers");
    Instant boot = bootTime();
    if (boot != null) {
      node.put("startTime", boot.toString());
    }
    node.set("cpu", cpu(time, rates.rate("node", proc.cpuNanos(), now), proc.cpuNanos()));
    Map<String, Long> mem = proc.meminfo();
    ObjectNode memory = node.putObject("memory");
    memory.put("time", time);
    long total = mem.getOrDefault("MemTotal", -1L);
    long available = mem.getOrDefault("MemAvailable", -1L);
    if (total >= 0 && available >= 0) {
      long free = mem.getOrDefault("MemFree", 0L);
      long inactiveFile = mem.getOrDefault("Inactive(file)", 0L);
      long usage = total - free;
      memory.put("availableBytes", available);
      memory.put("usageBytes", usage);
      memory.put("workingSetBytes", Math.max(0, usage - inactiveFile));
      memory.put("rssBytes", mem.getOrDefault("AnonPages", 0L));
    }
    List<ProcStats.Interface> interfaces = proc.hostInterfaces();
    String defaultInterface = proc.defaultRouteInterface();
    node.set("network", network(time, interfaces, defaultInterface));
    ObjectNode fs = filesystem(sources.dataDir(), time, null);
    node.set("fs", fs);
    ObjectNode runtime = node.putObject("runtime");
    runtime.set("imageFs", filesystem(sources.dataDir().resolve("content"), time, null));
    return node;
  }

  private ObjectNode pod(List<Running> containers, String time, long now) {
    Running first = containers.get(0);
    ObjectNode pod = JSON.createObjectNode();
    ObjectNode ref = pod.putObject("podRef");
    ref.put("name", first.podName());
    ref.put("namespace", first.namespace());
    ref.put("uid", first.podUid());
    Instant start = null;
    ArrayNode list = pod.putArray("containers");
    long ephemeral = 0;
    long ephemeralInodes = 0;
    long logsTotal = 0;
    long rootfsTotal = 0;
    for (Running c : containers) {
      Instant started = c.status().startedAt();
      if (started != null && (start == null || started.isBefore(start))) {
        start = started;
      }
      ObjectNode container = list.addObject();
      container.put("name", c.container());
      if (started != null) {
        container.put("startTime", started.toString());
      }
      CgroupStats.Usage usage = cgroups.read(c.cgroupsPath());
      if (usage != null) {
        container.set(
            "cpu", cpu(time, rates.rate("c/" + c.id(), usage.cpuNanos(), now), usage.cpuNanos()));
        container.set("memory", memory(time, usage));
      }
      DiskUse rootfs = du(sources.runtime().bundle(c.id()).resolve("upper"));
      DiskUse logs = du(logDir(c));
      rootfsTotal += rootfs.bytes();
      logsTotal += logs.bytes();
      ephemeralInodes += rootfs.inodes() + logs.inodes();
      container.set("rootfs", filesystem(sources.dataDir(), time, rootfs));
      container.set("logs", filesystem(sources.podLogDir(), time, logs));
    }
    ephemeral = rootfsTotal + logsTotal;
    if (start != null) {
      pod.put("startTime", start.toString());
    }
    String podCgroup = parent(first.cgroupsPath());
    CgroupStats.Usage usage = cgroups.read(podCgroup);
    if (usage != null) {
      pod.set(
          "cpu",
          cpu(time, rates.rate("p/" + first.podUid(), usage.cpuNanos(), now), usage.cpuNanos()));
      pod.set("memory", memory(time, usage));
    }
    if (first.status().pid() > 0) {
      List<ProcStats.Interface> interfaces =
          ProcStats.interfaces(
              sources.proc().resolve(Integer.toString(first.status().pid())).resolve("net/dev"));
      pod.set("network", network(time, interfaces, "eth0"));
    }
    ArrayNode volumes = pod.putArray("volume");
    Path volumeRoot = sources.dataDir().resolve("pods").resolve(first.podUid()).resolve("volumes");
    for (Path volume : volumeDirs(volumeRoot)) {
      DiskUse use = du(volume);
      ObjectNode entry = filesystem(volume, time, use);
      entry.put("name", volume.getFileName().toString());
      volumes.add(entry);
      // Memory-backed volumes (their own tmpfs) count against memory, not ephemeral storage.
      if (sameDevice(volume, volumeRoot)) {
        ephemeral += use.bytes();
        ephemeralInodes += use.inodes();
      }
    }
    ObjectNode storage =
        filesystem(sources.dataDir(), time, new DiskUse(ephemeral, ephemeralInodes));
    pod.set("ephemeral-storage", storage);
    return pod;
  }

  private static List<Path> volumeDirs(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  private static boolean sameDevice(Path a, Path b) {
    try {
      return Files.getAttribute(a, "unix:dev").equals(Files.getAttribute(b, "unix:dev"));
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  private static ObjectNode cpu(String time, Long nanoCores, long cumulative) {
    ObjectNode cpu = JSON.createObjectNode();
    cpu.put("time", time);
    if (nanoCores != null) {
      cpu.put("usageNanoCores", nanoCores);
    }
    if (cumulative >= 0) {
      cpu.put("usageCoreNanoSeconds", cumulative);
    }
    return cpu;
  }

  private static ObjectNode memory(String time, CgroupStats.Usage usage) {
    ObjectNode memory = JSON.createObjectNode();
    memory.put("time", time);
    putIfKnown(memory, "usageBytes", usage.memoryUsage());
    putIfKnown(memory, "workingSetBytes", usage.workingSet());
    putIfKnown(memory, "rssBytes", usage.rss());
    putIfKnown(memory, "pageFaults", usage.pageFaults());
    putIfKnown(memory, "majorPageFaults", usage.majorPageFaults());
    return memory;
  }

  private static ObjectNode network(
      String time, List<ProcStats.Interface> interfaces, String preferred) {
    ObjectNode network = JSON.createObjectNode();
    network.put("time", time);
    ProcStats.Interface main = null;
    ArrayNode all = network.putArray("interfaces");
    for (ProcStats.Interface i : interfaces) {
      ObjectNode n = all.addObject();
      n.put("name", i.name());
      n.put("rxBytes", i.rxBytes());
      n.put("rxErrors", i.rxErrors());
      n.put("txBytes", i.txBytes());
      n.put("txErrors", i.txErrors());
      if (main == null || i.name().equals(preferred)) {
        main = i;
      }
    }
    if (main != null) {
      network.put("name", main.name());
      network.put("rxBytes", main.rxBytes());
      network.put("rxErrors", main.rxErrors());
      network.put("txBytes", main.txBytes());
      network.put("txErrors", main.txErrors());
    }
    return network;
  }

  /**
   * Capacity, availability and inodes of the file system holding {@code path}; {@code usedBytes}
   * and {@code inodesUsed} are what {@code used} says (a pod's share), or the whole file system's
   * use when it is null.
   */
  private ObjectNode filesystem(Path path, String time, DiskUse used) {
    ObjectNode fs = JSON.createObjectNode();
    fs.put("time", time);
    FsUsage usage;
    try {
      usage = sources.fs().usage(existing(path));
    } catch (IOException e) {
      usage = null;
    }
    if (usage != null) {
      fs.put("availableBytes", usage.availableBytes());
      fs.put("capacityBytes", usage.capacityBytes());
    }
    if (used != null) {
      fs.put("usedBytes", used.bytes());
    } else if (usage != null) {
      fs.put("usedBytes", usage.usedBytes());
    }
    if (usage != null && usage.inodes() > 0) {
      fs.put("inodesFree", usage.inodesFree());
      fs.put("inodes", usage.inodes());
    }
    if (used != null) {
      fs.put("inodesUsed", used.inodes());
    } else if (usage != null && usage.inodes() > 0) {
      fs.put("inodesUsed", usage.inodesUsed());
    }
    return fs;
  }

  private static Path existing(Path path) {
    Path p = path.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? Path.of("/") : p;
  }

  private static void putIfKnown(ObjectNode node, String name, long value) {
    if (value >= 0) {
      node.put(name, value);
    }
  }

  /** Running app containers, from the runtime's bundles and their metadata. */
  private List<Running> running() {
    List<Running> out = new ArrayList<>();
    List<String> ids;
    try {
      ids = sources.runtime().list();
    } catch (IOException e) {
      return out;
    }
    for (String id : ids) {
      Path bundle = sources.runtime().bundle(id);
      try {
        JsonNode meta = JSON.readTree(bundle.resolve("kuark.json").toFile());
        String slot = meta.path("slot").asText("");
        if (!slot.startsWith("app/")) {
          continue;
        }
        ContainerStatus status = sources.runtime().status(id);
        if (status.state() != ContainerStatus.State.RUNNING) {
          continue;
        }
        String cgroupsPath =
            JSON.readTree(bundle.resolve("config.json").toFile())
                .path("linux")
                .path("cgroupsPath")
                .asText("");
        out.add(
            new Running(
                id,
                meta.path("podUid").asText(),
                meta.path("namespace").asText(),
                meta.path("podName").asText(),
                slot.substring("app/".length()),
                cgroupsPath,
                status));
      } catch (IOException e) {
        // a bundle being created or removed: not part of this summary
      }
    }
    return out;
  }

  private Path logDir(Running c) {
    return sources
        .podLogDir()
        .resolve(c.namespace() + "_" + c.podName() + "_" + c.podUid())
        .resolve(c.container());
  }

  private static String parent(String cgroupsPath) {
    int slash = cgroupsPath.lastIndexOf('/');
    return slash <= 0 ? cgroupsPath : cgroupsPath.substring(0, slash);
  }

  private Instant bootTime() {
    try {
      for (String line : Files.readAllLines(sources.proc().resolve("stat"))) {
        if (line.startsWith("btime ")) {
          return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  /**
   * Bytes of regular files and inodes (every entry, the directory itself included, as {@code find |
   * wc -l}) under {@code dir}; zero when missing. Hard links count once per name.
   */
  static DiskUse du(Path dir) {
    if (!Files.isDirectory(dir)) {
      return new DiskUse(0, 0);
    }
    long[] total = {0, 0};
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(
          p -> {
            total[1]++;
            try {
              if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                total[0] += Files.size(p);
              }
            } catch (IOException e) {
              // vanished meanwhile
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      return new DiskUse(total[0], total[1]);
    }
    return new DiskUse(total[0], total[1]);
  }
}
