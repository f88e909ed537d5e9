package io.kuark.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Named API objects (ConfigMaps, Secrets) the pods of this node read, each kept by a watch of that
 * one object (list and watch with {@code fieldSelector=metadata.name=…}, which the node authorizer
 * allows for objects its pods reference), as kubelet's default "Watch" change-detection strategy
 * does: the first read of an object starts its watch, later reads are served from the watch's store
 * without a request — e.g. the {@code kube-root-ca.crt} ConfigMap every pod of a namespace mounts
 * is fetched once per namespace instead of once per pod. An object absent from a synced store does
 * not exist (the read is empty, as a 404 GET was). Unlike kubelet, which ties a watch to the pods
 * referencing the object, a watch ends after {@link #IDLE} without reads (pod starts are what
 * read), so watches stay few and do not outlive the pods that authorize them for long.
 *
 * <p>When a watch cannot be started (the list is refused or does not answer within {@link
 * #SYNC_TIMEOUT}) the read falls back to the direct read it replaced, with that read's errors.
 */
final class WatchedObjects<T extends HasMetadata> {

  private static final Logger LOG = Logger.getLogger(WatchedObjects.class);

  static final Duration IDLE = Duration.ofMinutes(2);
  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

  /** Starts (not yet running) informer of the one object {@code namespace/name}. */
  interface WatchFactory<T> {
    SharedIndexInformer<T> informer(String namespace, String name);
  }

  private final String kind;
  private final WatchFactory<T> watches;
  private final BiFunction<String, String, T> directRead;
  private final Clock clock;
  private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  private static final class Entry<T> {
    final SharedIndexInformer<T> informer;
    final java.util.concurrent.CompletableFuture<Void> synced;
    volatile long lastRead;

    Entry(SharedIndexInformer<T> informer, long now) {
      this.informer = informer;
      this.synced = informer.start().toCompletableFuture();
      this.lastRead = now;
    }
  }

  /**
   * @param kind for log lines ("configmap")
   * @param watches makes the informer of one object
   * @param directRead the read to fall back on (null when the object does not exist)
   */
  WatchedObjects(
      String kind, WatchFactory<T> watches, BiFunction<String, String, T> directRead, Clock clock) {
    this.kind = kind;
    this.watches = watches;
    this.directRead = directRead;
    this.clock = clock;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "watched-" + kind + "s");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, IDLE.toSeconds() / 4);
    sweeper.scheduleWithFixedDelay(this::stopIdle, period, period, TimeUnit.SECONDS);
  }

  /** The object {@code namespace/name} as its watch last saw it; empty when it does not exist. */
  Optional<T> get(String namespace, String name) {
    String key = namespace + "/" + name;
    Entry<T> entry = entries.get(key);
    if (entry == null || !entry.informer.isRunning() && entry.synced.isDone()) {
      if (entry != null) {
        entries.remove(key, entry); // a watch that has ended (stopped, failed): start another
      }
      entry =
          entries.computeIfAbsent(
              key, k -> new Entry<>(watches.informer(namespace, name), clock.millis()));
    }
    entry.lastRead = clock.millis();
    try {
      entry.synced.get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.ofNullable(directRead.apply(namespace, name));
    } catch (ExecutionException | TimeoutException e) {
      LOG.debugf("watch of %s %s did not start (%s); reading it directly", kind, key, e);
      if (entries.remove(key, entry)) {
        entry.informer.stop();
      }
      return Optional.ofNullable(directRead.apply(namespace, name));
    }
    return Optional.ofNullable(entry.informer.getStore().getByKey(key));
  }

  /** Stops the watches nobody read for {@link #IDLE}. */
  void stopIdle() {
    long cutoff = clock.millis() - IDLE.toMillis();
    entries.forEach(
        (key, entry) -> {
          if (entry.lastRead < cutoff && entries.remove(key, entry)) {
            entry.informer.stop();
          }
        });
  }

  /** Keys of the objects being watched (for tests). */
  java.util.Set<String> watched() {
    return java.util.Set.copyOf(entries.keySet());
  }

  /** Stops every watch. */
  void close() {
    sweeper.shutdownNow();
    entries.values().forEach(e -> e.informer.stop());
    entries.clear();
  }
}
