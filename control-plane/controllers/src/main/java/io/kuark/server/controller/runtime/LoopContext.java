package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every loop shares: the client, the shared informers, a scheduler for delayed requeues, an
 * executor for fire-and-forget writes such as events, and the clock.
 */
public record LoopContext(
    KubernetesClient client,
    SharedInformers informers,
    ScheduledExecutorService delays,
    ExecutorService background,
    Clock clock) {

  public EventRecorder recorder(String component) {
    return new EventRecorder(client, component, background, clock);
  }

  public Controller controller(String name, Reconciler reconciler, int workers) {
    return new Controller(name, reconciler, workers, delays);
  }
}
