package io.kuark.server;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A kuark-server started as a real process from the packaged quarkus-run.jar. */
final class ServerProcess implements AutoCloseable {

  final Path dataDir;
  final Path kubeconfig;
  final int port;
  private final Process process;
  private final AtomicBoolean ready = new AtomicBoolean();

  ServerProcess(Path dataDir, Path kubeconfig, int port) {
    this(dataDir, kubeconfig, port, List.of());
  }

  /** With more kuark-server flags. */
  ServerProcess(Path dataDir, Path kubeconfig, int port, List<String> extraFlags) {
    this.dataDir = dataDir;
    this.kubeconfig = kubeconfig;
    this.port = port;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
    command.addAll(
        List.of(
            "--data-dir", dataDir.toString(),
            "--secure-port", Integer.toString(port),
            "--bind-address", "127.0.0.1",
            "--write-kubeconfig", kubeconfig.toString()));
    command.addAll(extraFlags);
    try {
      process =
          new ProcessBuilder(command)
              .redirectError(dataDir.resolveSibling(dataDir.getFileName() + "-server.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.equals("kuark-server ready")) {
                    ready.set(true);
                  }
                }
              } catch (IOException e) {
                // Process ended.
              }
            });
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ready.get() || !process.isAlive());
    if (!ready.get()) {
      throw new IllegalStateException("kuark-server did not become ready: " + log());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String log() {
    try {
      return Files.readString(dataDir.resolveSibling(dataDir.getFileName() + "-server.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Sends SIGTERM and waits for the exit code. */
  int stop() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        return -1;
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
