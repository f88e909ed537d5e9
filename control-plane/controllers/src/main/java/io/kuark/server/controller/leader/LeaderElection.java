package io.kuark.server.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs something only while this process holds a {@code coordination.k8s.io/v1} Lease, like
 * upstream's leaderelection package (fabric8's {@link LeaderElector} does the acquiring and
 * renewing). Leading starts a fresh instance from {@code onLead}; losing the lease closes it and
 * the process goes back to campaigning. Starting and stopping run on their own thread so a slow
 * start never delays lease renewal.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  /** Lease timing; upstream's defaults are {@link #UPSTREAM}. */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {}

  /** kube-controller-manager's and kube-scheduler's defaults: 15 s / 10 s / 2 s. */
  public static final Timing UPSTREAM =
      new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Timing timing;
  private final Supplier<AutoCloseable> onLead;
  private final ExecutorService transitions;
  private final Thread campaign;
  private volatile boolean closed;
  private volatile CompletableFuture<?> current;
  private AutoCloseable running; // only touched on the transitions thread

  public LeaderElection(
      KubernetesClient client,
      String namespace,
      String name,
      String identity,
      Timing timing,
      Supplier<AutoCloseable> onLead) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.timing = timing;
    this.onLead = onLead;
    this.transitions =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kuark-leader-" + name);
              t.setDaemon(true);
              return t;
            });
    this.campaign = new Thread(this::campaign, "kuark-election-" + name);
    this.campaign.setDaemon(true);
  }

  public LeaderElection start() {
    campaign.start();
    return this;
  }

  public String identity() {
    return identity;
  }

  /** True while the loops started for a won term are running. */
  public boolean isLeading() {
    if (closed) {
      return false;
    }
    try {
      return transitions.submit(() -> running != null).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private void campaign() {
    while (!closed) {
      LeaderElectionConfig config =
          new LeaderElectionConfigBuilder()
              .withName(name)
              .withLock(new UpdatingLeaseLock(namespace, name, identity))
              .withLeaseDuration(timing.leaseDuration())
              .withRenewDeadline(timing.renewDeadline())
              .withRetryPeriod(timing.retryPeriod())
              .withReleaseOnCancel(true)
              .withLeaderCallbacks(
                  new LeaderCallbacks(
                      () -> transitions.execute(this::startLeading),
                      () -> transitions.execute(this::stopLeading),
                      leader -> LOG.infof("%s: leader is now %s", name, leader)))
              .build();
      LeaderElector elector = client.leaderElector().withConfig(config).build();
      CompletableFuture<?> term = elector.start();
      current = term;
      if (closed) {
        term.cancel(true);
      }
      try {
        term.join();
      } catch (RuntimeException e) {
        LOG.debugf("%s: election ended: %s", name, e.toString());
      }
      // Lost (or never got) the lease: make sure nothing keeps running, then campaign again.
      try {
        transitions.execute(this::stopLeading);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        return; // closed meanwhile; close() stopped the loops
      }
      if (!closed) {
        sleep(timing.retryPeriod());
      }
    }
  }

  private void startLeading() {
    if (closed || running != null) {
      return;
    }
    LOG.infof("%s: %s became leader", name, identity);
    running = onLead.get();
  }

  private void stopLeading() {
    if (running == null) {
      return;
    }
    LOG.infof("%s: %s stopped leading", name, identity);
    try {
      running.close();
    } catch (Exception e) {
      LOG.warnf("%s: stopping the loops failed: %s", name, e.toString());
    }
    running = null;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops campaigning, releases the lease if held and stops the loops; waits for that. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<?> term = current;
    if (term != null) {
      term.cancel(true);
    }
    campaign.interrupt();
    transitions.execute(this::stopLeading);
    transitions.shutdown();
    try {
      transitions.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
