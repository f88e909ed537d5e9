package io.kuark.server.controller.testing;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Silences the mock API server's per-request log lines so test output stays readable. */
public final class QuietMockServer {
  private static final Logger MOCK = Logger.getLogger("io.fabric8.mockwebserver");

  private QuietMockServer() {}

  public static void install() {
    MOCK.setLevel(Level.WARNING);
    Logger.getLogger("io.vertx").setLevel(Level.SEVERE);
  }
}
