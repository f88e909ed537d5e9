package io.kuark.agent.network.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shell helpers for tests: {@code ip netns} namespaces and commands run inside them. */
final class TestNetns {
  private TestNetns() {}

  record Result(int code, String out) {}

  static Result run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), out);
  }

  static String must(String... cmd) throws IOException, InterruptedException {
    Result r = run(cmd);
    if (r.code() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.out());
    }
    return r.out();
  }

  static Result in(String netns, String... cmd) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    all.addAll(List.of(cmd));
    return run(all.toArray(String[]::new));
  }

  static String mustIn(String netns, String... cmd) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    all.addAll(List.of(cmd));
    return must(all.toArray(String[]::new));
  }

  static Path path(String netns) {
    return Path.of("/run/netns", netns);
  }
}
