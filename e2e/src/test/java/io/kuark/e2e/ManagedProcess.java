package io.kuark.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One program started by a test: its combined stdout and stderr go straight to a log file, and
 * {@link #stop(Duration)} ends the process and everything it started (its whole process tree).
 *
 * <p>The output goes to a file rather than through a pipe the test reads: a launcher's children
 * keep writing after the launcher itself exits, and Java closes a pipe's stream when the process it
 * belongs to exits, which would lose their last lines.
 */
final class ManagedProcess {
  private final String name;
  private final Process process;
  private final Path logFile;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command} with stdin closed and stdout+stderr written to {@code logFile}. */
  static ManagedProcess start(String name, List<String> command, Path logFile) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // One log per run: a re-run must not show the previous run's lines.
    builder.redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
    // Never let a launcher decide to run Maven in the middle of a test run.
    builder.environment().put("KUARK_SKIP_BUILD", "1");
    try {
      return new ManagedProcess(name, builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until a line containing {@code text} has been printed. Fails with the output so far when
   * the process exits first or {@code timeout} passes.
   */
  void awaitLine(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean exited = !process.isAlive();
      if (output().lines().anyMatch(line -> line.contains(text))) {
        return;
      }
      if (exited) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before printing '"
                + text
                + "'\n"
                + output());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not print '" + text + "' within " + timeout + "\n" + output());
      }
      Thread.sleep(200);
    }
  }

  /** Waits for the process to exit on its own; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs after " + timeout + "\n" + output());
    }
    return process.exitValue();
  }

  /** Everything the process (and its children) printed so far. */
  String output() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ends the process tree: SIGTERM to the process (so it can shut down cleanly), SIGKILL to
   * whatever is left after {@code grace}, including descendants. Returns the exit code.
   */
  int stop(Duration grace) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    process.descendants().forEach(tree::add);
    for (ProcessHandle child : tree) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    for (ProcessHandle child : tree) {
      child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> child).join();
    }
    return process.exitValue();
  }
}
