package io.kuark.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;

/**
 * {@code kuark-server}: parses the command line, starts storage, the API and the control-plane
 * loops, prints {@code kuark-server ready} once /readyz passes, and stops cleanly on SIGTERM or
 * SIGINT.
 */
@QuarkusMain
public class KuarkServerMain implements QuarkusApplication {

  @Inject Vertx vertx;
  @Inject ServerLifecycle lifecycle;

  public static void main(String[] args) {
    Quarkus.run(KuarkServerMain.class, args);
  }

  @Override
  public int run(String... args) {
    if (ServerFlags.asksForHelp(args)) {
      System.out.print(ServerFlags.USAGE);
      return 0;
    }
    ServerFlags flags;
    try {
      flags = ServerFlags.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("kuark-server: " + e.getMessage());
      System.err.print(ServerFlags.USAGE);
      return 2;
    }
    ServerRuntime runtime;
    try {
      runtime = ServerRuntime.start(vertx, flags);
    } catch (RuntimeException e) {
      System.err.println("kuark-server: cannot start: " + e);
      return 1;
    }
    lifecycle.manage(runtime);
    try {
      while (!runtime.ready()) {
        Thread.sleep(20);
      }
      System.out.println("kuark-server ready");
      System.out.flush();
      Quarkus.waitForExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lifecycle.stop();
    }
    return 0;
  }
}
