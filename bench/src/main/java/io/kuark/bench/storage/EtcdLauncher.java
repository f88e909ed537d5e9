package io.kuark.bench.storage;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Starts a throwaway single-member etcd on free loopback ports in {@code dir}; close stops it. */
final class EtcdLauncher implements AutoCloseable {

  private final Process process;
  private final String clientUrl;

  private EtcdLauncher(Process process, String clientUrl) {
    this.process = process;
    this.clientUrl = clientUrl;
  }

  static EtcdLauncher start(String etcdBinary, Path dir) throws IOException, InterruptedException {
    int clientPort = freePort();
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Process p =
        new ProcessBuilder(
                etcdBinary,
                "--name",
                "default",
                "--data-dir",
                dir.resolve("etcd-data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "default=" + peer)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("etcd.log").toFile())
            .start();
    EtcdLauncher etcd = new EtcdLauncher(p, client);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!etcd.healthy()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        etcd.close();
        throw new IOException("etcd did not start: " + Files.readString(dir.resolve("etcd.log")));
      }
      Thread.sleep(50);
    }
    return etcd;
  }

  String clientUrl() {
    return clientUrl;
  }

  private boolean healthy() {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(clientUrl + "/health").openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
