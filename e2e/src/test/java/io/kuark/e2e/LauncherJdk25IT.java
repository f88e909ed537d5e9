package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher with the JDK 25 installed beside the default Java 17 (docs/configuration.md): the
 * first start of {@code kuark server} records an AOT cache in the user's cache directory, and a
 * second start, with a data directory of its own, runs from it. The second start once failed
 * ("Unable to use AOT cache") because the server's initial heap left the old generation no room for
 * the cache's archived heap objects.
 */
class LauncherJdk25IT {
  /** Where Debian's Temurin 25 package puts the JDK; {@code -Dkuark.e2e.jdk25=…} names another. */
  private static final Path JDK25 =
      Path.of(System.getProperty("kuark.e2e.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  private KuarkProcesses processes;

  @AfterEach
  void stopEverything() throws Exception {
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  void serverStartsAgainFromTheAotCacheItRecordedWithAnotherDataDirectory() throws Exception {
    assertThat(JDK25.resolve("bin/java"))
        .as("a JDK 25 (set -Dkuark.e2e.jdk25 to its home)")
        .isExecutable();
    processes = new KuarkProcesses(getClass().getSimpleName());
    Path cacheDir = processes.newDir("aot-cache");
    Path launcher = jdk25Launcher(cacheDir);

    ManagedProcess recording =
        processes.launch("server-recording", launcher, serverArgs(processes.newDir("data-1")));
    recording.awaitLine("kuark-server ready", KuarkProcesses.START_TIMEOUT);
    // The cache is written while the JVM exits. A JVM stopped by SIGTERM exits with 143 after its
    // clean shutdown (the systemd unit counts that as success too).
    assertThat(recording.stop(Duration.ofMinutes(2))).as(recording.output()).isIn(0, 143);
    assertThat(aotCaches(cacheDir)).as("AOT caches after the first start").hasSize(1);

    ManagedProcess cached =
        processes.launch("server-cached", launcher, serverArgs(processes.newDir("data-2")));
    cached.awaitLine("kuark-server ready", KuarkProcesses.START_TIMEOUT);
    assertThat(javaCommandLines(cached))
        .as("the server JVM of the second start")
        .anyMatch(line -> line.contains("-XX:AOTCache=" + aotCaches(cacheDir).get(0)));
    assertThat(cached.stop(Duration.ofMinutes(1))).as(cached.output()).isIn(0, 143);
    assertThat(cached.output()).doesNotContain("AOT cache");
    assertThat(aotCaches(cacheDir)).as("AOT caches after the second start").hasSize(1);
  }

  private static List<String> serverArgs(Path dataDir) {
    return List.of(
        "server",
        "--data-dir",
        dataDir.toString(),
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        Integer.toString(FreePorts.next()),
        "--write-kubeconfig",
        dataDir.resolve("kubeconfig.yaml").toString());
  }

  /**
   * A launcher wrapper that runs the programs with JDK 25, as a user would set it, and keeps the
   * AOT caches in the test's own directory instead of the user's.
   */
  private Path jdk25Launcher(Path cacheDir) throws IOException {
    Path wrapper = processes.baseDir().resolve("kuark-jdk25");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nKUARK_JAVA_HOME='"
            + JDK25
            + "' KUARK_CACHE_DIR='"
            + cacheDir
            + "' exec '"
            + processes.repo().launcher()
            + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return wrapper;
  }

  private static List<Path> aotCaches(Path cacheDir) {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".aot")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> javaCommandLines(ManagedProcess process) {
    ProcessHandle launched = ProcessHandle.of(process.pid()).orElseThrow();
    // The launcher may exec the JVM itself or start it as a child.
    return Stream.concat(Stream.of(launched), launched.descendants())
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains("java"))
        .toList();
  }
}
