package io.kuark.agent;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Stops the running {@link Agent} while Quarkus shuts down (SIGTERM/SIGINT). Quarkus' shutdown hook
 * waits for its shutdown observers but not for the main thread: an agent closed only after {@code
 * Quarkus.waitForExit()} returned raced the JVM's exit, and its clean-up (pods, the DNS link, the
 * proxy table) could be cut off half-way.
 */
@ApplicationScoped
public class AgentLifecycle {

  private Agent agent;

  synchronized void manage(Agent agent) {
    this.agent = agent;
  }

  /** Closes the agent once; later calls (the main thread after the observer) do nothing. */
  synchronized void stop() {
    if (agent != null) {
      agent.close();
      agent = null;
      // Printed once the clean-up is complete, so a supervisor (and the e2e tests) can tell.
      System.err.println("kuark-agent stopped");
    }
  }

  void onShutdown(@Observes ShutdownEvent event) {
    stop();
  }
}
