package io.kuark.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * kubectl in a terminal of a given size, as a person types into it: script(1) gives it a pty
 * (kubectl only attaches a terminal, and sends its size, when its stdin is one). Keystrokes go to
 * the terminal, everything kubectl writes to it is collected; waiting for output fails at once,
 * with the whole output, when kubectl ended instead.
 */
final class KubectlTerminal implements AutoCloseable {

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final OutputStream keyboard;
  private final Thread reader;

  private KubectlTerminal(Process process) {
    this.process = process;
    this.keyboard = process.getOutputStream();
    this.reader = new Thread(this::collect, "kubectl-terminal");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code kubectl ARGS} with {@code kubeconfig} (and no KUBECONFIG from the environment) in
   * a {@code columns}x{@code rows} terminal.
   */
  static KubectlTerminal start(
      Kubectl kubectl, Path kubeconfig, int columns, int rows, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(kubectl.binary().toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(args);
    StringBuilder line = new StringBuilder("stty cols " + columns + " rows " + rows + " && exec");
    for (String word : command) {
      line.append(" '").append(word.replace("'", "'\\''")).append('\'');
    }
    // -e: script exits with kubectl's exit code.
    ProcessBuilder builder =
        new ProcessBuilder("script", "-q", "-e", "-c", line.toString(), "/dev/null")
            .redirectErrorStream(true);
    builder.environment().remove("KUBECONFIG");
    builder.environment().put("SHELL", "/bin/sh");
    return new KubectlTerminal(builder.start());
  }

  private void collect() {
    byte[] buffer = new byte[4096];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /** Types {@code keys} into the terminal ({@code \r} is Enter). */
  void type(String keys) throws IOException {
    keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  /** Everything kubectl wrote to the terminal so far. */
  String output() {
    return output.toString();
  }

  /** How much kubectl wrote so far: a mark for {@link #awaitOutput(String, int, Duration)}. */
  int mark() {
    return output.length();
  }

  /**
   * Waits until the terminal shows {@code text} after {@code mark}; fails with the output when
   * kubectl ends first or after {@code atMost}.
   */
  void awaitOutput(String text, int mark, Duration atMost) throws InterruptedException {
    try {
      await("kubectl's terminal shows " + text)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> showsAfter(text, mark) || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no " + text + " in kubectl's terminal: " + output(), e);
    }
    if (!showsAfter(text, mark)) {
      // kubectl ended: the reader gets the rest of what it wrote up to the end of the stream.
      reader.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (!showsAfter(text, mark)) {
      throw new AssertionError(
          "kubectl ended (" + process.exitValue() + ") before showing " + text + ": " + output());
    }
  }

  private boolean showsAfter(String text, int mark) {
    return output.indexOf(text, mark) >= 0;
  }

  /** Waits for kubectl to end; its exit code. */
  int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("kubectl still runs: " + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
