package io.kuark.server;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Stops the running {@link ServerRuntime} when Quarkus shuts down (SIGTERM/SIGINT), before Quarkus
 * closes the Vert.x instance the API server runs on, so loops, client, API and storage stop in
 * order.
 */
@ApplicationScoped
public class ServerLifecycle {

  private ServerRuntime runtime;

  synchronized void manage(ServerRuntime runtime) {
    this.runtime = runtime;
  }

  synchronized void stop() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
      System.err.println("kuark-server stopped");
    }
  }

  void onShutdown(@Observes ShutdownEvent event) {
    stop();
  }
}
