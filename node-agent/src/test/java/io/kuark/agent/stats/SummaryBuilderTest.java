package io.kuark.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.agent.fs.FsUsage;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Summary document from a fake /proc, cgroup v1 tree and runtime bundles. */
class SummaryBuilderTest {

  private final Path dir;
  private final Path proc;
  private final Path cgroups;
  private final Path bundles;
  private final Path logs;

  SummaryBuilderTest() throws Exception {
    dir = Files.createTempDirectory("kuark-stats-test");
    proc = dir.resolve("proc");
    cgroups = dir.resolve("cgroup");
    bundles = dir.resolve("bundles");
    logs = dir.resolve("logs");
    Files.createDirectories(proc.resolve("net"));
    Files.createDirectories(proc.resolve("4242/net"));
    Files.writeString(
        proc.resolve("stat"),
        "cpu  100 0 50 1000 10 0 0 0 0 0\ncpu0 100 0 50 1000 10 0 0 0\nbtime 1700000000\n");
    Files.writeString(
        proc.resolve("meminfo"),
        "MemTotal:       4000 kB\nMemFree:        1000 kB\nMemAvailable:   2500 kB\n"
            + "Inactive(file):  500 kB\nAnonPages:       800 kB\n");
    String netDev =
        "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
            + "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n"
            + "  eth0:    5000      10    1    0    0     0          0         0     7000      12    2    0    0     0       0          0\n";
    Files.writeString(proc.resolve("net/dev"), netDev);
    Files.writeString(proc.resolve("4242/net/dev"), netDev);
    Files.writeString(
        proc.resolve("net/route"), "Iface\tDestination\tGateway\n eth0\t00000000\t0101A8C0\n");
    String path = "kuark/podu1/c1";
    Files.createDirectories(cgroups.resolve("cpuacct").resolve(path));
    Files.createDirectories(cgroups.resolve("memory").resolve(path));
    Files.writeString(cgroups.resolve("cpuacct/kuark/podu1/c1/cpuacct.usage"), "3000000000\n");
    Files.writeString(cgroups.resolve("cpuacct/kuark/podu1/cpuacct.usage"), "3500000000\n");
    Files.writeString(cgroups.resolve("memory/kuark/podu1/c1/memory.usage_in_bytes"), "1000000\n");
    Files.writeString(
        cgroups.resolve("memory/kuark/podu1/c1/memory.stat"),
        "total_inactive_file 200000\ntotal_rss 600000\ntotal_pgfault 7\ntotal_pgmajfault 1\n");
    Path bundle = bundles.resolve("c1");
    Files.createDirectories(bundle.resolve("upper/tmp"));
    Files.writeString(bundle.resolve("upper/tmp/file"), "x".repeat(1234));
    Files.writeString(
        bundle.resolve("kuark.json"),
        "{\"podUid\":\"u1\",\"namespace\":\"ns\",\"podName\":\"web\",\"slot\":\"app/app\"}");
    Files.writeString(
        bundle.resolve("config.json"), "{\"linux\":{\"cgroupsPath\":\"/" + path + "\"}}");
    Path logDir = logs.resolve("ns_web_u1/app");
    Files.createDirectories(logDir);
    Files.writeString(logDir.resolve("0.log"), "y".repeat(100));
  }

  @AfterEach
  void tearDown() throws Exception {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void nodeAndPodsInTheSummaryShape() throws Exception {
    SummaryBuilder builder =
        new SummaryBuilder(
            new SummaryBuilder.Sources(
                "node-a", new OneContainer(bundles), logs, dir, cgroups, proc, Clock.systemUTC()));
    JsonNode first = builder.build();
    JsonNode node = first.path("node");
    assertThat(node.path("nodeName").asText()).isEqualTo("node-a");
    assertThat(node.path("startTime").asText()).isEqualTo("2023-11-14T22:13:20Z");
    // (100 user + 50 system) ticks of 10 ms.
    assertThat(node.path("cpu").path("usageCoreNanoSeconds").asLong()).isEqualTo(1_500_000_000L);
    assertThat(node.path("cpu").has("usageNanoCores")).isFalse();
    assertThat(node.path("memory").path("availableBytes").asLong()).isEqualTo(2500 * 1024);
    assertThat(node.path("memory").path("usageBytes").asLong()).isEqualTo(3000 * 1024);
    assertThat(node.path("memory").path("workingSetBytes").asLong()).isEqualTo(2500 * 1024);
    assertThat(node.path("network").path("name").asText()).isEqualTo("eth0");
    assertThat(node.path("network").path("rxBytes").asLong()).isEqualTo(5000);
    assertThat(node.path("network").path("txErrors").asLong()).isEqualTo(2);
    assertThat(node.path("fs").path("capacityBytes").asLong()).isPositive();
    assertThat(node.path("runtime").path("imageFs").path("availableBytes").asLong()).isPositive();

    JsonNode pod = first.path("pods").get(0);
    assertThat(pod.path("podRef").toString())
        .isEqualTo("{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"u1\"}");
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("name").asText()).isEqualTo("app");
    assertThat(container.path("cpu").path("usageCoreNanoSeconds").asLong())
        .isEqualTo(3_000_000_000L);
    assertThat(container.path("memory").path("usageBytes").asLong()).isEqualTo(1_000_000);
    assertThat(container.path("memory").path("workingSetBytes").asLong()).isEqualTo(800_000);
    assertThat(container.path("memory").path("rssBytes").asLong()).isEqualTo(600_000);
    assertThat(container.path("rootfs").path("usedBytes").asLong()).isEqualTo(1234);
    assertThat(container.path("logs").path("usedBytes").asLong()).isEqualTo(100);
    assertThat(pod.path("cpu").path("usageCoreNanoSeconds").asLong()).isEqualTo(3_500_000_000L);
    assertThat(pod.path("network").path("rxBytes").asLong()).isEqualTo(5000);
    assertThat(pod.path("ephemeral-storage").path("usedBytes").asLong()).isEqualTo(1334);

    // A second sample a while later gives rates: +1 s of CPU over the window.
    Files.writeString(cgroups.resolve("cpuacct/kuark/podu1/c1/cpuacct.usage"), "4000000000\n");
    RateTracker rates = new RateTracker();
    assertThat(rates.rate("k", 3_000_000_000L, 0)).isNull();
    assertThat(rates.rate("k", 4_000_000_000L, 2_000_000_000L)).isEqualTo(500_000_000L);
    assertThat(builder.runningCounts()).containsExactly(1, 1);
  }

  @Test
  void volumesAndInodesComeFromThePodsDirectoriesAndTheFileSystems() throws Exception {
    Path volumes = dir.resolve("pods/u1/volumes");
    Files.createDirectories(volumes.resolve("cache"));
    Files.writeString(volumes.resolve("cache/a"), "a".repeat(500));
    Files.writeString(volumes.resolve("cache/b"), "b".repeat(300));
    Files.createDirectories(volumes.resolve("config/..2026_11_27"));
    Files.writeString(volumes.resolve("config/..2026_11_27/key"), "v".repeat(10));
    Files.createSymbolicLink(volumes.resolve("config/..data"), Path.of("..2026_11_27"));
    Files.createDirectories(dir.resolve("content"));
    Path content = dir.resolve("content");
    SummaryBuilder builder =
        new SummaryBuilder(
            new SummaryBuilder.Sources(
                "node-a",
                new OneContainer(bundles),
                logs,
                dir,
                cgroups,
                proc,
                Clock.systemUTC(),
                path ->
                    path.equals(content)
                        ? new FsUsage(20_000_000, 15_000_000, 0, 0)
                        : new FsUsage(10_000_000, 4_000_000, 1000, 600)));

    JsonNode summary = builder.build();

    JsonNode fs = summary.path("node").path("fs");
    assertThat(fs.path("capacityBytes").asLong()).isEqualTo(10_000_000);
    assertThat(fs.path("availableBytes").asLong()).isEqualTo(4_000_000);
    assertThat(fs.path("usedBytes").asLong()).isEqualTo(6_000_000);
    assertThat(fs.path("inodes").asLong()).isEqualTo(1000);
    assertThat(fs.path("inodesFree").asLong()).isEqualTo(600);
    assertThat(fs.path("inodesUsed").asLong()).isEqualTo(400);
    JsonNode imageFs = summary.path("node").path("runtime").path("imageFs");
    assertThat(imageFs.path("capacityBytes").asLong()).isEqualTo(20_000_000);
    assertThat(imageFs.has("inodes")).isFalse(); // a file system that counts no inodes

    JsonNode pod = summary.path("pods").get(0);
    JsonNode container = pod.path("containers").get(0);
    // upper/, upper/tmp, upper/tmp/file; the log directory and 0.log.
    assertThat(container.path("rootfs").path("inodesUsed").asLong()).isEqualTo(3);
    assertThat(container.path("rootfs").path("inodesFree").asLong()).isEqualTo(600);
    assertThat(container.path("logs").path("inodesUsed").asLong()).isEqualTo(2);
    JsonNode cache = pod.path("volume").get(0);
    assertThat(cache.path("name").asText()).isEqualTo("cache");
    assertThat(cache.path("usedBytes").asLong()).isEqualTo(800);
    assertThat(cache.path("inodesUsed").asLong()).isEqualTo(3);
    assertThat(cache.path("capacityBytes").asLong()).isEqualTo(10_000_000);
    assertThat(cache.path("availableBytes").asLong()).isEqualTo(4_000_000);
    assertThat(cache.path("inodes").asLong()).isEqualTo(1000);
    JsonNode config = pod.path("volume").get(1);
    assertThat(config.path("name").asText()).isEqualTo("config");
    // The ..data symlink is an inode but no bytes (not followed).
    assertThat(config.path("usedBytes").asLong()).isEqualTo(10);
    assertThat(config.path("inodesUsed").asLong()).isEqualTo(4);
    assertThat(pod.path("volume")).hasSize(2);
    JsonNode ephemeral = pod.path("ephemeral-storage");
    assertThat(ephemeral.path("usedBytes").asLong()).isEqualTo(1234 + 100 + 800 + 10);
    assertThat(ephemeral.path("inodesUsed").asLong()).isEqualTo(3 + 2 + 3 + 4);
  }

  /** One running container "c1" (pid 4242) in bundles. */
  private static final class OneContainer implements ContainerRuntime {
    private final Path bundles;

    OneContainer(Path bundles) {
      this.bundles = bundles;
    }

    @Override
    public Path bundle(String id) {
      return bundles.resolve(id);
    }

    @Override
    public String version() {
      return "fake://1";
    }

    @Override
    public void start(String id, Path bundle, Path logFile) {}

    @Override
    public ContainerStatus status(String id) {
      return new ContainerStatus(
          ContainerStatus.State.RUNNING,
          4242,
          0,
          Instant.parse("2026-11-27T10:00:00Z"),
          null,
          false,
          null);
    }

    @Override
    public void stop(String id, Duration grace) {}

    @Override
    public void remove(String id) {}

    @Override
    public List<String> list() {
      return List.of("c1");
    }

    @Override
    public void reattach(String id, Path logFile) {}

    @Override
    public int exec(String id, List<String> command, Duration timeout) {
      return 0;
    }

    @Override
    public ExecProcess execInteractive(String id, List<String> command, boolean tty) {
      throw new UnsupportedOperationException();
    }
  }
}
