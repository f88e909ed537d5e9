package io.kuark.agent.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.fs.FsUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signals from a fake procfs and a fake file system source. */
class HostSignalsTest {

  @TempDir Path dir;

  @Test
  void diskAndInodeSignalsComeFromTheirFileSystems() throws IOException {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(proc.resolve("meminfo"), "MemTotal: 1000 kB\nMemAvailable: 250 kB\n");
    Files.writeString(proc.resolve("sys/kernel/pid_max"), "32768\n");
    Files.writeString(proc.resolve("loadavg"), "0.1 0.2 0.3 2/168 999\n");
    Path nodefs = dir.resolve("data");
    Path imagefs = dir.resolve("images");
    HostSignals signals =
        new HostSignals(
            proc,
            nodefs,
            imagefs,
            path -> {
              if (path.equals(nodefs)) {
                return new FsUsage(1000, 300, 50, 7);
              }
              // A file system without inode counts (btrfs reports 0).
              return new FsUsage(2000, 1500, 0, 0);
            });

    Map<String, Observation> observed = signals.observe();

    assertThat(observed)
        .containsEntry("memory.available", new Observation(250 * 1024, 1000 * 1024))
        .containsEntry("nodefs.available", new Observation(300, 1000))
        .containsEntry("nodefs.inodesFree", new Observation(7, 50))
        .containsEntry("imagefs.available", new Observation(1500, 2000))
        .containsEntry("pid.available", new Observation(32768 - 168, 32768))
        .doesNotContainKey("imagefs.inodesFree");
  }

  @Test
  void anUnmeasurableFileSystemLeavesItsSignalsOut() {
    HostSignals signals =
        new HostSignals(
            dir,
            dir,
            dir,
            path -> {
              throw new IOException("gone");
            });
    assertThat(signals.observe()).doesNotContainKeys("nodefs.available", "nodefs.inodesFree");
  }
}
