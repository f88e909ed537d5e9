package io.kuark.cni;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The kuark-bridge binary's entry point: a plain {@code main} on a flat class path, so a CNI call
 * does not boot Quarkus and the JVM can map every class from an AppCDS archive (Quarkus' own class
 * loader defeats JDK 17 AppCDS). Reads the spec's environment and the config on stdin, prints the
 * result or error object on stdout and exits 0 or 1. Nothing else may reach stdout.
 */
public final class PluginMain {
  private PluginMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run();
    } catch (RuntimeException | IOException | Error e) {
      // execute() maps expected failures itself; this is the last line that keeps the CNI contract.
      code = 1;
      printErrorObject(e);
    }
    System.exit(code);
  }

  /** Runs one CNI call from the process environment; returns the exit code. */
  static int run() throws IOException {
    byte[] stdin =
        "VERSION".equals(System.getenv("CNI_COMMAND")) && System.in.available() == 0
            ? new byte[0]
            : System.in.readAllBytes();
    CniRequest request = CniRequest.fromEnvironment(System.getenv(), stdin);
    CniOutcome outcome = new KuarkBridge().execute(request);
    PrintStream out = stdout();
    if (!outcome.stdout().isEmpty()) {
      out.print(outcome.stdout());
      out.flush();
    }
    return outcome.exitCode();
  }

  private static void printErrorObject(Throwable e) {
    String msg = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
    PrintStream out = stdout();
    out.print(
        "{\"cniVersion\":\"1.1.0\",\"code\":999,\"msg\":\"kuark-bridge: "
            + e.getClass().getSimpleName()
            + ": "
            + msg
            + "\"}\n");
    out.flush();
  }

  /**
   * The process's stdout, or the file named by {@code kuark.bridge.stdout}: while the start script
   * records a JDK 25 AOT cache the JVM prints a note to stdout at exit, so the result goes to a
   * file the script copies to stdout afterwards.
   */
  private static PrintStream stdout() {
    String file = System.getProperty("kuark.bridge.stdout");
    if (file != null && !file.isEmpty()) {
      try {
        return new PrintStream(new FileOutputStream(file, true), true, StandardCharsets.UTF_8);
      } catch (IOException e) {
        // fall back to the real stdout: a result there beats no result
      }
    }
    return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
  }
}
