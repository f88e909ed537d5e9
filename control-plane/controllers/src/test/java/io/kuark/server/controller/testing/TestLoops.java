package io.kuark.server.controller.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.SharedInformers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Runs a chosen set of controllers against a client, for tests of one controller at a time. */
public final class TestLoops implements AutoCloseable {
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newFixedThreadPool(2);
  private final SharedInformers informers;
  private final LoopContext ctx;
  private final List<Controller> controllers = new ArrayList<>();

  public TestLoops(KubernetesClient client, Clock clock) {
    QuietMockServer.install();
    this.informers = new SharedInformers(client);
    this.ctx = new LoopContext(client, informers, delays, background, clock);
  }

  public LoopContext context() {
    return ctx;
  }

  public TestLoops with(Controller c) {
    controllers.add(c);
    return this;
  }

  public TestLoops start() {
    informers.startAll(20_000);
    for (Controller c : controllers) {
      c.start();
    }
    return this;
  }

  @Override
  public void close() {
    for (Controller c : controllers) {
      c.close();
    }
    informers.close();
    delays.shutdownNow();
    background.shutdownNow();
  }
}
