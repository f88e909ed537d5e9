package io.kuark.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Throwaway network namespaces for a test, checked with iproute2 as the independent oracle. */
final class NetnsFixture implements AutoCloseable {
  final Linux linux = Linux.get();
  private final Path dir;
  private final List<Path> created = new ArrayList<>();

  NetnsFixture() throws IOException {
    dir = Files.createTempDirectory("kuark-ffi-netns");
  }

  Path create(String name) {
    Path p = dir.resolve(name);
    linux.namespaces().createNetns(p);
    created.add(p);
    return p;
  }

  /** Runs {@code ip} inside {@code netns}; fails on a non-zero exit. */
  static String ip(Path netns, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns, "ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  static String uniqueName(String prefix) {
    return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
  }

  @Override
  public void close() throws IOException {
    for (Path p : created) {
      linux.namespaces().deleteNetns(p);
    }
    Files.deleteIfExists(dir);
  }
}
