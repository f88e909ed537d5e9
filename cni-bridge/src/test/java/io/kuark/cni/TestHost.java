package io.kuark.cni;

import io.kuark.linux.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A simulated node for CNI tests: a "host" netns (bridge, host veth ends, sysctls), any number of
 * pod netns, a private IPAM data dir and unique names. Everything is removed on close.
 */
final class TestHost implements AutoCloseable {
  final Linux linux = Linux.get();
  final Path dir;
  final Path hostNs;
  final Path dataDir;
  final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
  private final List<Path> netns = new ArrayList<>();

  TestHost() throws IOException {
    dir = Files.createTempDirectory("kuark-cni-it");
    dataDir = Files.createDirectories(dir.resolve("ipam"));
    hostNs = newNetns("host");
  }

  Path newNetns(String name) {
    Path p = dir.resolve("ns").resolve(name);
    linux.namespaces().createNetns(p);
    netns.add(p);
    return p;
  }

  /** Bridge name unique to this host (≤ 15 chars). */
  String bridge() {
    return "ktb" + tag;
  }

  String network() {
    return "ktnet" + tag;
  }

  @Override
  public void close() throws IOException {
    for (Path p : netns) {
      linux.namespaces().deleteNetns(p);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Runs a command, returns stdout (stderr discarded); exit code in {@link Run#rc}. */
  record Run(int rc, String stdout) {}

  static Run run(List<String> cmd, java.util.Map<String, String> env, byte[] stdin)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (env != null) {
      pb.environment().putAll(env);
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    String out = new String(p.getInputStream().readAllBytes());
    return new Run(p.waitFor(), out);
  }

  /** Runs a command inside {@code ns}; fails on non-zero exit. */
  static String in(Path ns, String... cmd) throws Exception {
    List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + ns));
    full.addAll(List.of(cmd));
    Run r = run(full, null, null);
    if (r.rc() != 0) {
      throw new AssertionError(String.join(" ", full) + " exited " + r.rc());
    }
    return r.stdout();
  }
}
