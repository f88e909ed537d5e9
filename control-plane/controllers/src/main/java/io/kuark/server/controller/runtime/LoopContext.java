package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.queue.WorkQueueMetrics;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every loop shares: the client (its own identity, see {@link #withClient}), the shared
 * informers, a scheduler for delayed requeues, an executor for fire-and-forget writes such as
 * events, the clock, and where work queues report their metrics.
 */
public record LoopContext(
    KubernetesClient client,
    SharedInformers informers,
    ScheduledExecutorService delays,
    ExecutorService background,
    Clock clock,
    WorkQueueMetrics queueMetrics) {

  /** A context whose work queues report to a registry of their own. */
  public LoopContext(
      KubernetesClient client,
      SharedInformers informers,
      ScheduledExecutorService delays,
      ExecutorService background,
      Clock clock) {
    this(client, informers, delays, background, clock, new WorkQueueMetrics());
  }

  /**
   * The same context acting through {@code other}: one controller's own identity, while the shared
   * informers keep the controller manager's.
   */
  public LoopContext withClient(KubernetesClient other) {
    return new LoopContext(other, informers, delays, background, clock, queueMetrics);
  }

  /**
   * Events of {@code component}; those of namespaces this loop set's Namespace informer (if it has
   * one) shows terminating are dropped, as the API would refuse them.
   */
  public EventRecorder recorder(String component) {
    return new EventRecorder(
        client, component, background, clock, new TerminatingNamespaces(informers));
  }

  public Controller controller(String name, Reconciler reconciler, int workers) {
    return new Controller(name, reconciler, workers, delays, queueMetrics);
  }
}
