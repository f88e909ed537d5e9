package io.kuark.server.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.queue.WorkQueueMetrics;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.InformerPool;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.SharedInformers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * The loops of one leadership term: their own executors and controllers and their share of the
 * process's informers, started together and closed together. A new term builds a new set, since
 * work queues do not restart; closing a set removes its informer handlers.
 */
final class LoopSet implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LoopSet.class);

  final SharedInformers informers;
  final LoopContext ctx;
  private final ScheduledExecutorService delays;
  private final ExecutorService background;
  private final List<Controller> controllers = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();

  /**
   * A set acting through {@code client}, watching through {@code pool} (shared with the other sets
   * of the process).
   */
  LoopSet(KubernetesClient client, String name, WorkQueueMetrics queueMetrics, InformerPool pool) {
    this.informers = new SharedInformers(pool);
    this.delays =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-delays");
              t.setDaemon(true);
              return t;
            });
    this.background =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, name + "-events");
              t.setDaemon(true);
              return t;
            });
    this.ctx =
        new LoopContext(client, informers, delays, background, Clock.systemUTC(), queueMetrics);
  }

  void add(Controller c) {
    controllers.add(c);
  }

  /** Something closed with the set (after the controllers, before the informers). */
  void closeLater(AutoCloseable c) {
    others.add(c);
  }

  /** Starts the informers (bounded wait for their lists), then the controllers. */
  void startControllers() {
    informers.startAll(30_000);
    for (Controller c : controllers) {
      c.start();
    }
  }

  int controllerCount() {
    return controllers.size();
  }

  @Override
  public void close() {
    for (Controller c : controllers) {
      c.close();
    }
    for (AutoCloseable c : others) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debugf("closing %s: %s", c, e.toString());
      }
    }
    informers.close();
    delays.shutdownNow();
    background.shutdownNow();
  }
}
