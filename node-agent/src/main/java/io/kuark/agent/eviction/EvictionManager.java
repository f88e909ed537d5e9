package io.kuark.agent.eviction;

import io.kuark.agent.PeriodicLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Node-pressure eviction with hard thresholds, as upstream kubelet's eviction manager: every
 * housekeeping interval it measures the signals, derives the MemoryPressure / DiskPressure /
 * PIDPressure conditions (a condition stays until the pressure transition period has passed without
 * the threshold crossed), reports changes to the node, and while a threshold is crossed evicts one
 * pod per interval, ranked for the starved resource.
 */
public final class EvictionManager implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EvictionManager.class);

  /** Settings. */
  public record Settings(
      List<Threshold> thresholds, Duration pressureTransitionPeriod, Duration interval) {}

  private final Settings settings;
  private final SignalSource signals;
  private final PodEvictor pods;
  private final NodeConditionSink node;
  private final NodeReclaimer reclaimer;
  private final Clock clock;
  private final Map<String, Instant> lastCrossed = new HashMap<>();
  private Set<String> reported;
  private PeriodicLoop loop;

  public EvictionManager(
      Settings settings,
      SignalSource signals,
      PodEvictor pods,
      NodeConditionSink node,
      Clock clock) {
    this(settings, signals, pods, node, NodeReclaimer.NONE, clock);
  }

  /**
   * @param reclaimer frees node-level resources (unused images) for disk signals before any pod is
   *     evicted
   */
  public EvictionManager(
      Settings settings,
      SignalSource signals,
      PodEvictor pods,
      NodeConditionSink node,
      NodeReclaimer reclaimer,
      Clock clock) {
    this.settings = settings;
    this.signals = signals;
    this.pods = pods;
    this.node = node;
    this.reclaimer = reclaimer;
    this.clock = clock;
  }

  /** Starts the periodic check on its own thread. */
  public void start() {
    loop =
        PeriodicLoop.start(
            "eviction-manager",
            settings.interval(),
            () -> {
              try {
                synchronize();
              } catch (RuntimeException e) {
                LOG.warnf(e, "eviction check failed");
              }
            });
  }

  /**
   * One round: measure, update conditions, evict at most one pod. Returns the pod evicted, if any
   * (its {@code namespace/name}), for logs and tests.
   */
  public String synchronize() {
    Map<String, Observation> observed = signals.observe();
    Instant now = clock.instant();
    List<Threshold> crossed = new ArrayList<>();
    Map<String, Observation> crossedValues = new HashMap<>();
    for (Threshold threshold : settings.thresholds()) {
      Observation o = observed.get(threshold.signal());
      if (o != null && threshold.crossed(o.available(), o.capacity())) {
        crossed.add(threshold);
        crossedValues.put(threshold.signal(), o);
        lastCrossed.put(condition(threshold.signal()), now);
      }
    }
    Set<String> pressures = new LinkedHashSet<>();
    for (Map.Entry<String, Instant> entry : lastCrossed.entrySet()) {
      if (!entry.getValue().plus(settings.pressureTransitionPeriod()).isBefore(now)) {
        pressures.add(entry.getKey());
      }
    }
    if (!pressures.equals(reported)) {
      LOG.infof("node pressure now %s", pressures.isEmpty() ? "none" : pressures);
      reported = Set.copyOf(pressures);
      node.pressureChanged(reported);
    }
    if (crossed.isEmpty()) {
      return null;
    }
    // Memory first, then disk, then pids, as upstream orders the thresholds it reclaims for.
    crossed.sort(
        java.util.Comparator.comparingInt(
            t -> t.signal().startsWith("memory.") ? 0 : t.signal().startsWith("pid.") ? 2 : 1));
    Threshold starved = crossed.get(0);
    if (isDisk(starved.signal()) && reclaimed(starved)) {
      return null;
    }
    List<Candidate> ranked = EvictionRanking.rank(starved.signal(), pods.candidates());
    if (ranked.isEmpty()) {
      LOG.debugf("threshold %s crossed and no pod left to evict", starved);
      return null;
    }
    Candidate victim = ranked.get(0);
    Observation o = crossedValues.get(starved.signal());
    String message =
        "The node was low on resource: "
            + resource(starved.signal())
            + ". Threshold quantity: "
            + format(starved.value(o.capacity()), starved.signal())
            + ", available: "
            + format(o.available(), starved.signal())
            + ". ";
    String key =
        victim.pod().getMetadata().getNamespace() + "/" + victim.pod().getMetadata().getName();
    LOG.infof("evicting pod %s: %s", key, message);
    pods.evict(victim, message);
    return key;
  }

  static boolean isDisk(String signal) {
    return signal.startsWith("nodefs.") || signal.startsWith("imagefs.");
  }

  /**
   * Node-level reclaim for a disk threshold; true when the threshold is no longer crossed after it
   * (then no pod is evicted this round). The pressure condition already reported stays: it follows
   * the transition period as for any other threshold.
   */
  private boolean reclaimed(Threshold starved) {
    long freed;
    try {
      freed = reclaimer.reclaim(starved.signal());
    } catch (RuntimeException e) {
      LOG.warnf(e, "node-level reclaim for %s failed", starved.signal());
      return false;
    }
    Observation after = signals.observe().get(starved.signal());
    if (after != null && !starved.crossed(after.available(), after.capacity())) {
      LOG.infof(
          "node-level reclaim freed %d bytes; %s is no longer crossed, no pod evicted",
          freed, starved);
      return true;
    }
    return false;
  }

  static String condition(String signal) {
    if (signal.startsWith("memory.")) {
      return "MemoryPressure";
    }
    if (signal.startsWith("pid.")) {
      return "PIDPressure";
    }
    return "DiskPressure";
  }

  static String resource(String signal) {
    if (signal.startsWith("memory.")) {
      return "memory";
    }
    if (signal.startsWith("pid.")) {
      return "pids";
    }
    return signal.endsWith("inodesFree") ? "inodes" : "ephemeral-storage";
  }

  /** Bytes as a Kubernetes quantity ({@code 100Mi}, {@code 51234Ki}); counts as plain numbers. */
  static String format(long value, String signal) {
    if (!signal.endsWith(".available") || signal.startsWith("pid.")) {
      return Long.toString(value);
    }
    if (value != 0 && value % (1L << 40) == 0) {
      return (value >> 40) + "Ti";
    }
    if (value != 0 && value % (1L << 30) == 0) {
      return (value >> 30) + "Gi";
    }
    if (value != 0 && value % (1L << 20) == 0) {
      return (value >> 20) + "Mi";
    }
    return (value / 1024) + "Ki";
  }

  @Override
  public void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
