package io.kuark.agent.image.gc;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.kuark.agent.PeriodicLoop;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.fs.FsUsage;
import io.kuark.agent.fs.FsUsageSource;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Deletes unused images as kubelet's image GC manager does. Every round it notes when it first saw
 * each image and when it last saw a container use it; when the image file system's usage reaches
 * the high threshold it deletes images no container uses, least recently used first (then oldest
 * first seen), until usage would be at the low threshold, skipping images seen for less than the
 * minimum age. Like kubelet, first-seen times are kept in memory only: after an agent restart every
 * image is young again.
 *
 * <p>Events on the node, as kubelet: {@code FreeDiskSpaceFailed} for every threshold round that
 * found too little to delete, and {@code ImageGCFailed} when a periodic round fails (too little
 * eligible, or an error) right after another failed one.
 */
public final class ImageGarbageCollector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ImageGarbageCollector.class);

  /** How often the threshold is checked, as kubelet's {@code ImageGCPeriod}. */
  public static final Duration PERIOD = Duration.ofMinutes(5);

  /**
   * What one round did.
   *
   * @param bytesToFree what the thresholds asked for (0 when usage was below the high threshold)
   * @param bytesFreed content actually deleted
   * @param removed image ids ({@code repository@manifestDigest}) deleted, in order
   */
  public record Result(long bytesToFree, long bytesFreed, List<String> removed) {

    /** True when fewer bytes were eligible than the thresholds asked for. */
    public boolean insufficient() {
      return bytesFreed < bytesToFree;
    }
  }

  /** When the collector first saw an image, and when it last saw a container use it. */
  private record Seen(Instant firstDetected, Instant lastUsed) {}

  private final ImageStore store;
  private final ImagesInUse inUse;
  private final FsUsageSource fs;
  private final Path imageFs;
  private final ImageGcPolicy policy;
  private final Clock clock;
  private final EventRecorder events;
  private final ObjectReference node;
  private final Map<String, Seen> seen = new HashMap<>();
  private boolean previousRoundFailed;
  private PeriodicLoop loop;

  /**
   * @param imageFs a path on the image file system (the image store's root)
   */
  public ImageGarbageCollector(
      ImageStore store,
      ImagesInUse inUse,
      FsUsageSource fs,
      Path imageFs,
      ImageGcPolicy policy,
      Clock clock) {
    this(store, inUse, fs, imageFs, policy, clock, EventRecorder.NONE, null);
  }

  /**
   * Like the other constructor, reporting failures as events about {@code node}.
   *
   * @param node the Node, the involved object of {@code FreeDiskSpaceFailed} and {@code
   *     ImageGCFailed} events
   */
  public ImageGarbageCollector(
      ImageStore store,
      ImagesInUse inUse,
      FsUsageSource fs,
      Path imageFs,
      ImageGcPolicy policy,
      Clock clock,
      EventRecorder events,
      ObjectReference node) {
    this.events = events;
    this.node = node;
    this.store = store;
    this.inUse = inUse;
    this.fs = fs;
    this.imageFs = imageFs;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * One threshold-driven round: nothing below the high threshold, otherwise frees down to the low
   * threshold. With GC disabled (high threshold 100) nothing happens.
   */
  public synchronized Result garbageCollect() throws IOException {
    Instant now = clock.instant();
    // Detect on every round, so first-seen times start when the image appeared, not at pressure.
    Set<String> used = detect(now);
    if (!policy.enabled()) {
      return new Result(0, 0, List.of());
    }
    FsUsage usage = fs.usage(imageFs);
    if (usage.capacityBytes() <= 0) {
      throw new IOException("image file system at " + imageFs + " reports no capacity");
    }
    long usagePercent = 100 - usage.availableBytes() * 100 / usage.capacityBytes();
    if (usagePercent < policy.highThresholdPercent()) {
      return new Result(0, 0, List.of());
    }
    long target = usage.capacityBytes() * (100 - policy.lowThresholdPercent()) / 100;
    long toFree = target - usage.availableBytes();
    LOG.infof(
        "image file system usage %d%% is at or above the high threshold %d%%; freeing %d bytes",
        usagePercent, policy.highThresholdPercent(), toFree);
    Result result = freeSpace(toFree, now, used);
    if (result.insufficient()) {
      LOG.warnf(
          "image garbage collection wanted to free %d bytes but found only %d bytes eligible",
          toFree, result.bytesFreed());
      events.record(
          node, EventRecorder.WARNING, "FreeDiskSpaceFailed", insufficientMessage(result));
    }
    return result;
  }

  /** Kubelet's wording for a round that found too little to delete. */
  static String insufficientMessage(Result result) {
    return "Failed to garbage collect required amount of images. Attempted to free "
        + result.bytesToFree()
        + " bytes, but only found "
        + result.bytesFreed()
        + " bytes eligible to free.";
  }

  /**
   * One periodic round: {@link #garbageCollect()}, then an {@code ImageGCFailed} warning on the
   * node when it failed and the round before failed too (kubelet reports only repeated failures:
   * the first may come from statistics not ready yet). Never throws.
   *
   * @return the failure's message, null when the round succeeded
   */
  public String collectAndReport() {
    String failure;
    try {
      Result result = garbageCollect();
      failure = result.insufficient() ? insufficientMessage(result) : null;
    } catch (IOException | RuntimeException e) {
      failure = "image garbage collection failed: " + e.getMessage();
    }
    synchronized (this) {
      if (failure == null) {
        previousRoundFailed = false;
        return null;
      }
      if (previousRoundFailed) {
        LOG.errorf("image garbage collection failed multiple times in a row: %s", failure);
        events.record(node, EventRecorder.WARNING, "ImageGCFailed", failure);
      } else {
        LOG.warnf("image garbage collection failed once: %s", failure);
      }
      previousRoundFailed = true;
    }
    return failure;
  }

  /**
   * Deletes every unused image older than the minimum age, whatever the thresholds (node-level
   * reclaim under disk pressure, before pods are evicted).
   */
  public synchronized Result deleteUnusedImages() throws IOException {
    Instant now = clock.instant();
    return freeSpace(Long.MAX_VALUE, now, detect(now));
  }

  /** Updates first-seen and last-used times; returns the config digests in use now. */
  private Set<String> detect(Instant now) throws IOException {
    Set<String> used = inUse.configDigests();
    Set<String> present = new HashSet<>();
    for (ImageRecord image : store.list()) {
      String key = key(image);
      present.add(key);
      Seen before = seen.get(key);
      Instant first = before == null ? now : before.firstDetected();
      Instant last = before == null ? null : before.lastUsed();
      if (used.contains(image.configDigest())) {
        last = now;
      }
      seen.put(key, new Seen(first, last));
    }
    seen.keySet().retainAll(present);
    return used;
  }

  private Result freeSpace(long bytesToFree, Instant now, Set<String> used) throws IOException {
    List<ImageRecord> candidates = new ArrayList<>();
    for (ImageRecord image : store.list()) {
      if (!used.contains(image.configDigest()) && seen.containsKey(key(image))) {
        candidates.add(image);
      }
    }
    // Never used sorts first (oldest), then least recently used, then first seen.
    candidates.sort(
        Comparator.<ImageRecord, Instant>comparing(
                i -> seen.get(key(i)).lastUsed(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(i -> seen.get(key(i)).firstDetected()));
    long freed = 0;
    List<String> removed = new ArrayList<>();
    for (ImageRecord image : candidates) {
      if (freed >= bytesToFree) {
        break;
      }
      Seen times = seen.get(key(image));
      if (Duration.between(times.firstDetected(), now).compareTo(policy.minimumAge()) < 0) {
        LOG.debugf("image %s is younger than the minimum GC age; kept", image.imageId());
        continue;
      }
      long bytes = store.remove(image);
      LOG.infof(
          "removed unused image %s (%s), %d bytes", image.imageId(), image.references(), bytes);
      freed += bytes;
      removed.add(image.imageId());
      seen.remove(key(image));
    }
    return new Result(bytesToFree == Long.MAX_VALUE ? 0 : bytesToFree, freed, removed);
  }

  private static String key(ImageRecord image) {
    return image.configDigest() + "/" + image.manifestDigest();
  }

  /** Runs {@link #collectAndReport()} every {@code period} on its own thread. */
  public void start(Duration period) {
    loop = PeriodicLoop.start("image-gc", period, this::collectAndReport);
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
