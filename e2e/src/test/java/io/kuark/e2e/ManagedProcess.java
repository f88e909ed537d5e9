package io.kuark.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One program started by a test: its combined output is kept in memory and copied to a log file,
 * and {@link #stop()} ends the process and everything it started (its whole process tree).
 */
final class ManagedProcess {
  private final String name;
  private final Process process;
  private final Path logFile;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.reader = new Thread(this::copyOutput, "output-" + name);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Starts {@code command} with stdin closed and stdout+stderr collected into {@code logFile}. */
  static ManagedProcess start(String name, List<String> command, Path logFile) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // Never let a launcher decide to run Maven in the middle of a test run.
    builder.environment().put("KUARK_SKIP_BUILD", "1");
    try {
      // One log per run: a re-run must not show the previous run's lines.
      Files.deleteIfExists(logFile);
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
    synchronized (lines) {
      while (true) {
        for (String line : lines) {
          if (line.contains(text)) {
            return;
          }
        }
        if (!process.isAlive() && !reader.isAlive()) {
          throw new IllegalStateException(
              name
                  + " exited with code "
                  + process.exitValue()
                  + " before printing '"
                  + text
                  + "'\n"
                  + output());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              name + " did not print '" + text + "' within " + timeout + "\n" + output());
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 500)));
      }
    }
  }

  /** Waits for the process to exit on its own; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs after " + timeout + "\n" + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
    return process.exitValue();
  }

  /** Everything the process printed so far. */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
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
    // Helpers that share the output pipe (e.g. a launcher's forwarders) close it last.
    reader.join(TimeUnit.SECONDS.toMillis(30));
    return process.exitValue();
  }

  private void copyOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Files.writeString(
            logFile, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Normally the stream just ends with the process; anything else is worth seeing in the log.
      synchronized (lines) {
        lines.add("[e2e harness] output reader stopped: " + e);
      }
    } finally {
      synchronized (lines) {
        lines.notifyAll();
      }
    }
  }
}
