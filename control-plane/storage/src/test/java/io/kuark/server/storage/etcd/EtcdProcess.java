package io.kuark.server.storage.etcd;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway single-member etcd (Debian's {@code /usr/bin/etcd}) on free loopback ports with its
 * own data directory, for tests. {@link #close} stops it and removes the directory; {@link
 * #killAndRestart} kills it with SIGKILL and starts it again on the same ports and data.
 */
public final class EtcdProcess implements AutoCloseable {

  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdProcess(Path dir, int clientPort, int peerPort) {
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** Starts etcd and waits until it reports healthy. */
  public static EtcdProcess start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("kuark-etcd-");
    EtcdProcess etcd = new EtcdProcess(dir, freePort(), freePort());
    try {
      etcd.launch();
    } catch (IOException | InterruptedException | RuntimeException e) {
      etcd.close();
      throw e;
    }
    return etcd;
  }

  public String clientUrl() {
    return "http://127.0.0.1:" + clientPort;
  }

  public List<String> endpoints() {
    return List.of(clientUrl());
  }

  public long pid() {
    return process.pid();
  }

  /** kill -9, then start again on the same ports with the same data. */
  public void killAndRestart() throws IOException, InterruptedException {
    process.destroyForcibly().waitFor();
    launch();
  }

  private void launch() throws IOException, InterruptedException {
    String peerUrl = "http://127.0.0.1:" + peerPort;
    process =
        new ProcessBuilder(
                "/usr/bin/etcd",
                "--name",
                "default",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-client-urls",
                clientUrl(),
                "--advertise-client-urls",
                clientUrl(),
                "--listen-peer-urls",
                peerUrl,
                "--initial-advertise-peer-urls",
                peerUrl,
                "--initial-cluster",
                "default=" + peerUrl)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!healthy()) {
      if (!process.isAlive()) {
        throw new IOException(
            "etcd exited with "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("etcd.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "etcd did not become healthy: " + Files.readString(dir.resolve("etcd.log")));
      }
      Thread.sleep(50);
    }
  }

  private boolean healthy() {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(clientUrl() + "/health").openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200
            && new String(c.getInputStream().readAllBytes()).contains("true");
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 10 s) and removes its directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
