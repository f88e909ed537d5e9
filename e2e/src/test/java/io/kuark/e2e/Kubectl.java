package io.kuark.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one real kubectl binary against one kubeconfig, with its own discovery cache directory so
 * runs never share (or leave) state in the user's home.
 */
final class Kubectl {
  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;

  Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /**
   * The kubectl binary of a minor version ("1.27" … "1.33"), which sits beside the file the {@code
   * kubectl} on the PATH links to; "default" is that kubectl itself.
   */
  static Path binary(String version) {
    Path onPath = findOnPath("kubectl");
    if (version.equals("default")) {
      return onPath;
    }
    try {
      Path versioned = onPath.toRealPath().resolveSibling("kubectl." + version);
      if (!Files.isExecutable(versioned)) {
        throw new IllegalStateException("kubectl " + version + " not found at " + versioned);
      }
      return versioned;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findOnPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(name + " is not on the PATH");
  }

  Path binary() {
    return binary;
  }

  /** What one kubectl invocation printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  Result run(String... args) {
    return runWithStdin(null, args);
  }

  /** Runs kubectl with {@code stdin} (may be null) fed to it, e.g. for {@code apply -f -}. */
  Result runWithStdin(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    try {
      Process process = builder.start();
      CompletableFuture<String> out = readAsync(process.getInputStream());
      CompletableFuture<String> err = readAsync(process.getErrorStream());
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(
            "kubectl " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + "s");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts kubectl in the background with extra {@code env} (e.g. {@code get -w}, or {@code edit}
   * with {@code KUBE_EDITOR}); stderr goes to stdout. The caller reads it and stops it.
   */
  Process start(java.util.Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs kubectl, fails with its output unless it exits 0, and returns its stdout. */
  String ok(String... args) {
    Result result = run(args);
    if (!result.ok()) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + result);
    }
    return result.stdout();
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        // One thread per stream: blocking reads must not queue behind each other in a pool.
        task -> {
          Thread thread = new Thread(task, "kubectl-output");
          thread.setDaemon(true);
          thread.start();
        });
  }
}
