package io.kuark.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the demo image with the packaging script (once per test JVM) for tests that run it. */
public final class DemoImage {

  private static Path archive;

  private DemoImage() {}

  /** The demo OCI archive, built on first use into target/. */
  public static synchronized Path archive() throws IOException, InterruptedException {
    if (archive != null) {
      return archive;
    }
    Path script =
        Path.of("..", "packaging", "images", "build-demo-image.sh").toAbsolutePath().normalize();
    Path out = Path.of("target", "test-images", "kuark-demo.tar").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Process process =
        new ProcessBuilder("sh", script.toString(), out.toString()).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IOException("build-demo-image.sh failed");
    }
    archive = out;
    return archive;
  }
}
