package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NamespacesIT {
  private final Linux linux = Linux.get();
  private final Namespaces namespaces = linux.namespaces();
  private Path dir;
  private final List<Path> created = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-netns-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Path p : created) {
      namespaces.deleteNetns(p);
    }
    Files.deleteIfExists(dir.resolve("nested"));
    Files.deleteIfExists(dir);
  }

  private Path newNetns(String name) {
    Path p = dir.resolve(name);
    created.add(p);
    namespaces.createNetns(p);
    return p;
  }

  @Test
  void createdNamespaceIsDistinctFromHostAndPinned() throws Exception {
    Path ns = newNetns("a");
    assertThat(namespaces.isNetns(ns)).isTrue();
    String host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    String inside =
        namespaces.runInNetns(
            ns, () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    assertThat(inside).isNotEqualTo(host);
    // A fresh netns has only lo, and lo is down.
    Process p = new ProcessBuilder("nsenter", "--net=" + ns, "ip", "-o", "link").start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isZero();
    assertThat(out.trim().split("\n")).hasSize(1);
    assertThat(out).contains("lo:");
  }

  @Test
  void createTwiceFailsWithEexist() {
    Path ns = newNetns("twice");
    assertThatThrownBy(() -> namespaces.createNetns(ns))
        .isInstanceOfSatisfying(
            LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
  }

  @Test
  void createMakesParentDirectories() {
    Path ns = dir.resolve("nested").resolve("b");
    created.add(ns);
    namespaces.createNetns(ns);
    assertThat(namespaces.isNetns(ns)).isTrue();
  }

  @Test
  void deleteIsIdempotent() {
    Path ns = newNetns("del");
    namespaces.deleteNetns(ns);
    assertThat(Files.exists(ns)).isFalse();
    assertThat(namespaces.isNetns(ns)).isFalse();
    namespaces.deleteNetns(ns);
    namespaces.deleteNetns(dir.resolve("never-existed"));
  }

  @Test
  void poolThreadsReturnToHostAfterEachTask() throws Exception {
    Path a = newNetns("pa");
    Path b = newNetns("pb");
    String host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    String inA =
        namespaces.runInNetns(
            a, () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    String inB =
        namespaces.runInNetns(
            b, () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    assertThat(inA).isNotEqualTo(inB).isNotEqualTo(host);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        Path target = i % 2 == 0 ? a : b;
        results.add(
            callers.submit(
                () ->
                    namespaces.runInNetns(
                        target,
                        () ->
                            Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"))
                                .toString())));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(i % 2 == 0 ? inA : inB);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void nestedCallsSeeTheirOwnNamespace() throws Exception {
    Path a = newNetns("na");
    Path b = newNetns("nb");
    String[] seen =
        namespaces.runInNetns(
            a,
            () -> {
              String outer = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
              String inner =
                  namespaces.runInNetns(
                      b,
                      () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
              String after = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
              return new String[] {outer, inner, after};
            });
    assertThat(seen[0]).isEqualTo(seen[2]).isNotEqualTo(seen[1]);
  }

  @Test
  void actionExceptionsPropagateUnchanged() {
    Path a = newNetns("ex");
    assertThatThrownBy(
            () ->
                namespaces.runInNetns(
                    a,
                    () -> {
                      throw new java.io.IOException("boom");
                    }))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("boom");
  }

  @Test
  void runInMissingNamespaceFailsWithEnoent() {
    assertThatThrownBy(() -> namespaces.runInNetns(dir.resolve("missing"), () -> 1))
        .isInstanceOfSatisfying(
            LinuxException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
  }

  @Test
  void sysctlInsideNetnsIsIsolatedFromHost() {
    Path a = newNetns("sys");
    Sysctl sysctl = linux.sysctl();
    String host = sysctl.get("net.ipv4.ip_forward");
    String target = "1".equals(host) ? "0" : "1";
    sysctl.setInNetns(a, "net.ipv4.ip_forward", target);
    assertThat(sysctl.getInNetns(a, "net.ipv4.ip_forward")).isEqualTo(target);
    assertThat(sysctl.get("net.ipv4.ip_forward")).isEqualTo(host);
  }
}
