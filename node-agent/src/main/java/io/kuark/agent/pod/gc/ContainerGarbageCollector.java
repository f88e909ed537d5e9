package io.kuark.agent.pod.gc;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.kuark.agent.PeriodicLoop;
import io.kuark.agent.events.EventRecorder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Removes dead containers as kubelet's container GC does: every minute, and on demand before pods
 * are evicted for disk pressure. What goes is {@link DeadContainerSelector}'s choice; a round that
 * cannot remove something reports a {@code ContainerGCFailed} warning on the node (as kubelet does
 * for every failed round) and tries again next round.
 */
public final class ContainerGarbageCollector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ContainerGarbageCollector.class);

  /** How often it runs, as kubelet's {@code ContainerGCPeriod}. */
  public static final Duration PERIOD = Duration.ofMinutes(1);

  /**
   * What one round did.
   *
   * @param removed what was removed, oldest first ({@link DeadContainer#describe()})
   * @param bytesFreed bytes freed
   * @param failures what could not be removed, with why
   */
  public record Result(List<String> removed, long bytesFreed, List<String> failures) {}

  private final DeadContainers containers;
  private final ContainerGcPolicy policy;
  private final EventRecorder events;
  private final ObjectReference node;
  private final Clock clock;
  private PeriodicLoop loop;

  /**
   * @param node the Node, as the involved object of {@code ContainerGCFailed} events
   */
  public ContainerGarbageCollector(
      DeadContainers containers,
      ContainerGcPolicy policy,
      EventRecorder events,
      ObjectReference node,
      Clock clock) {
    this.containers = containers;
    this.policy = policy;
    this.events = events;
    this.node = node;
    this.clock = clock;
  }

  /**
   * One round: lists dead containers and removes those the policy lets go, oldest first. A failed
   * removal does not stop the round.
   *
   * @throws IOException when the dead containers cannot be listed (nothing is removed)
   */
  public synchronized Result garbageCollect() throws IOException {
    List<DeadContainer> doomed =
        DeadContainerSelector.select(containers.list(), policy, clock.instant());
    List<String> removed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long freed = 0;
    for (DeadContainer dead : doomed) {
      try {
        freed += containers.remove(dead);
        removed.add(dead.describe());
      } catch (IOException | RuntimeException e) {
        failures.add(dead.describe() + ": " + e.getMessage());
      }
    }
    if (!removed.isEmpty()) {
      LOG.infof("removed %d dead containers (%d bytes): %s", removed.size(), freed, removed);
    }
    return new Result(removed, freed, failures);
  }

  /** A round whose failures become a {@code ContainerGCFailed} event; never throws. */
  public Result collectAndReport() {
    try {
      Result result = garbageCollect();
      if (!result.failures().isEmpty()) {
        failed("failed to remove dead containers: " + String.join("; ", result.failures()));
      }
      return result;
    } catch (IOException | RuntimeException e) {
      failed("failed to list dead containers: " + e.getMessage());
      return new Result(List.of(), 0, List.of(String.valueOf(e.getMessage())));
    }
  }

  private void failed(String message) {
    LOG.warnf("container garbage collection failed: %s", message);
    events.record(node, EventRecorder.WARNING, "ContainerGCFailed", message);
  }

  /** Runs {@link #collectAndReport()} every {@code period} on its own thread. */
  public void start(Duration period) {
    loop = PeriodicLoop.start("container-gc", period, this::collectAndReport);
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
