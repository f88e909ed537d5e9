package io.kuark.cni;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The kuark-bridge binary: reads the spec's environment and the config on stdin, prints the result
 * or error object on stdout, and exits 0 or 1. Logs go to stderr only.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

  @Override
  public int run(String... args) throws IOException {
    byte[] stdin =
        "VERSION".equals(System.getenv("CNI_COMMAND")) && System.in.available() == 0
            ? new byte[0]
            : System.in.readAllBytes();
    CniRequest request = CniRequest.fromEnvironment(System.getenv(), stdin);
    CniOutcome outcome = new KuarkBridge().execute(request);
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    if (!outcome.stdout().isEmpty()) {
      out.print(outcome.stdout());
      out.flush();
    }
    return outcome.exitCode();
  }
}
