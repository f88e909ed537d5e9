package io.kuark.agent.join;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Renews the node's certificates before they expire: the client certificate once 80% of its
 * lifetime has passed (the new one is used by new connections at once), the serving certificate
 * likewise (stored, and served from the agent's next start on). A failed renewal is retried a
 * minute later.
 */
public final class CertificateRotation implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CertificateRotation.class);
  static final Duration RETRY = Duration.ofMinutes(1);

  /** Obtains a new certificate pair. */
  @FunctionalInterface
  public interface Renewer {
    NodeCredentials.Pair renew() throws Exception;
  }

  private final Clock clock;
  private final Renewer clientRenewer;
  private final Renewer servingRenewer;
  private volatile NodeCredentials.Pair client;
  private volatile NodeCredentials.Pair serving;
  private Thread thread;

  /**
   * @param serving the current serving pair, or null when the agent API is self-signed (then it is
   *     not renewed here)
   */
  public CertificateRotation(
      Clock clock,
      NodeCredentials.Pair client,
      NodeCredentials.Pair serving,
      Renewer clientRenewer,
      Renewer servingRenewer) {
    this.clock = clock;
    this.client = client;
    this.serving = serving;
    this.clientRenewer = clientRenewer;
    this.servingRenewer = servingRenewer;
  }

  /** Starts the background renewal thread. */
  public CertificateRotation start() {
    thread = new Thread(this::run, "node-certificate-rotation");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** The client pair in use (renewed ones included). */
  public NodeCredentials.Pair client() {
    return client;
  }

  public NodeCredentials.Pair serving() {
    return serving;
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Duration wait = runOnce();
        Thread.sleep(Math.max(1000, wait.toMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Renews what is due; returns how long to wait before the next check. */
  Duration runOnce() {
    Instant now = clock.instant();
    Duration wait = Duration.ofHours(1);
    if (client.due(now)) {
      try {
        client = clientRenewer.renew();
        LOG.infof(
            "renewed the node client certificate, valid until %s",
            client.certificate().getNotAfter());
      } catch (Exception e) {
        LOG.warnf("renewing the node client certificate failed: %s", e.getMessage());
        return RETRY;
      }
    }
    if (serving != null && serving.due(now)) {
      try {
        serving = servingRenewer.renew();
        LOG.infof(
            "renewed the agent API serving certificate, valid until %s (served from the next agent"
                + " start)",
            serving.certificate().getNotAfter());
      } catch (Exception e) {
        LOG.warnf("renewing the serving certificate failed: %s", e.getMessage());
        return RETRY;
      }
    }
    wait = min(wait, Duration.between(now, client.renewAt()));
    if (serving != null) {
      wait = min(wait, Duration.between(now, serving.renewAt()));
    }
    return wait;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
