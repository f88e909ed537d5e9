package io.kuark.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real kubectl binary (a specific version from beside the one on the PATH). */
final class Kubectl {

  /**
   * The result of one run.
   *
   * @param exitCode process exit code
   * @param out stdout
   * @param err stderr
   */
  record Result(int exitCode, String out, String err) {
    Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "): " + err + out);
      }
      return this;
    }
  }

  private final Path binary;
  private final Path kubeconfig;

  Kubectl(String version, Path kubeconfig) {
    this.binary = binary(version);
    this.kubeconfig = kubeconfig;
  }

  /** kubectl.VERSION next to the kubectl on the PATH (e.g. 1.27, 1.33). */
  static Path binary(String version) {
    try {
      Process which =
          new ProcessBuilder("sh", "-c", "readlink -f \"$(command -v kubectl)\"").start();
      String path =
          new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      which.waitFor();
      return Path.of(path).resolveSibling("kubectl." + version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Result run(String... args) {
    return start(args).await();
  }

  Running start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    try {
      return new Running(new ProcessBuilder(command).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubectl still running (e.g. {@code get -w}); its output is collected as it comes. */
  static final class Running {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    Running(Process process) {
      this.process = process;
      this.outReader = pump(process.getInputStream(), out);
      this.errReader = pump(process.getErrorStream(), err);
    }

    private static Thread pump(java.io.InputStream in, StringBuffer into) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try {
                  int n;
                  while ((n = in.read(buf)) > 0) {
                    into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException e) {
                  // Process ended.
                }
              });
      t.setDaemon(true);
      t.start();
      return t;
    }

    /** Everything printed to stdout so far. */
    String output() {
      return out.toString();
    }

    Result await() {
      try {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          process.waitFor();
        }
        outReader.join();
        errReader.join();
        return new Result(process.exitValue(), out.toString(), err.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Stops the process and returns what it printed. */
    Result stop() {
      process.destroy();
      return await();
    }
  }
}
