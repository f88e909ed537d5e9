package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.volume.MountFailures;
import io.kuark.agent.volume.PodVolumes;
import io.kuark.agent.volume.TokenRenewal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Drives one pod towards its spec, level-triggered: each {@link #sync()} looks at the latest pod
 * object and the runtime, starts what is missing (sandbox, then init containers in order, then
 * containers), applies the restart policy with back-off, and publishes the resulting status. When
 * the pod is being deleted (or is gone from the API) it tears everything down and finishes.
 *
 * <p>One worker per pod, one sync at a time (its own thread).
 */
final class PodWorker implements Runnable {

  private static final Logger LOG = Logger.getLogger(PodWorker.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long IDLE_RESYNC_MILLIS = 1000;

  /**
   * Resync period while a started container has not yet been seen running: the runtime reports its
   * start through files, not events, and a pod should not wait a whole idle period to turn Running.
   */
  private static final long STARTING_RESYNC_MILLIS = 50;

  /** How long a sync waits for a container it just launched to run before it moves on. */
  private static final Duration START_WAIT = Duration.ofSeconds(3);

  private final PodManager.Deps deps;
  private final String uid;
  private final PodState state;
  private final PodStateFile stateFile;
  private final Object signal = new Object();
  private volatile Pod pod;
  private volatile boolean goneFromApi;
  private final SyncPeriod volumeSync;
  private final TokenRenewal tokenRenewal;
  private final MountFailures mountFailures = new MountFailures();
  private volatile boolean stopRequested;
  private volatile boolean finished;
  private boolean dirty = true;
  private PodStatus lastPublished;

  /** {@link #lastPublished} for other threads (the agent API), null before the first write. */
  private volatile PodStatus published;

  private boolean lastPublishedStale;
  private String evictMessage;
  private final java.util.Map<String, ProbeTracker> readinessProbes = new java.util.HashMap<>();
  private final java.util.Map<String, ProbeTracker> livenessProbes = new java.util.HashMap<>();
  private final PodStartTrace trace;

  /** True after a sync that left a launched container not yet running. */
  private boolean containerStarting;

  /** Crash-loop back-offs already reported as events, by slot key and restart count. */
  private final java.util.Set<String> reportedBackOffs = new java.util.HashSet<>();

  private boolean stopReported;

  /**
   * Ids of containers being launched, before the slot records them: container GC must not take
   * their fresh bundles for leftovers.
   */
  private final java.util.Set<String> launching =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** What container GC may read of this pod's state, published from the worker thread. */
  private volatile PodGcView gcView;

  /** Waiting reasons of image problems, reported as "Error: <reason>" like kubelet does. */
  private static final java.util.Set<String> IMAGE_REASONS =
      java.util.Set.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName");

  PodWorker(PodManager.Deps deps, String uid, PodState state, Path stateFile) {
    this(deps, uid, state, stateFile, PodStartTrace.none());
  }

  /**
   * @param trace marks the phases of the pod's start (a pod new to this node); {@link
   *     PodStartTrace#none()} otherwise
   */
  PodWorker(PodManager.Deps deps, String uid, PodState state, Path stateFile, PodStartTrace trace) {
    this.deps = deps;
    this.uid = uid;
    this.state = state;
    this.stateFile = new PodStateFile(stateFile);
    this.tokenRenewal = TokenRenewal.kubelet(deps.clock());
    this.volumeSync = new SyncPeriod(deps.config().node().syncFrequency(), deps.clock());
    this.trace = trace;
    this.gcView = PodGcView.of(state);
  }

  /**
   * The pod's containers as container GC may see them: attempts still live per container name, and
   * whether a runtime id is one the worker tracks (current, ended or being launched).
   */
  PodGcView gcView() {
    return gcView;
  }

  boolean tracks(String id) {
    return launching.contains(id) || gcView.ids().contains(id);
  }

  String uid() {
    return uid;
  }

  /** How often the pod's volume content is brought up to date. */
  Duration volumeSyncPeriod() {
    return volumeSync.period();
  }

  boolean finished() {
    return finished;
  }

  /** A newer version of the pod from the API. */
  void update(Pod latest) {
    pod = latest;
    wake();
  }

  /** The pod no longer exists in the API: tear down. */
  void gone() {
    goneFromApi = true;
    wake();
  }

  /** Forgets what was last published so the next sync writes the status again. */
  void republish() {
    synchronized (signal) {
      lastPublishedStale = true;
    }
    wake();
  }

  /**
   * Evicts the pod for node pressure: its containers are killed without grace period, none is
   * started again and the pod ends in phase Failed with reason {@code Evicted} and {@code message}.
   */
  void evict(String message) {
    synchronized (signal) {
      evictMessage = message;
    }
    wake();
  }

  /**
   * The status this worker last wrote to the API, null before the first write. A client that saw it
   * (say {@code kubectl run -it} seeing Running) may ask the agent API before the informer brings
   * it back.
   */
  PodStatus publishedStatus() {
    return published;
  }

  /** The pod as last given to the worker, null before the first update. */
  Pod pod() {
    return pod;
  }

  /** Runtime ids of the containers that exist now (running or exited, not yet removed). */
  List<String> containerIds() {
    List<String> ids = new ArrayList<>();
    for (PodState.Slot slot : state.slots.values()) {
      if (slot.id != null) {
        ids.add(slot.id);
      }
    }
    return ids;
  }

  boolean evicted() {
    return state.evictedMessage != null || evictMessage != null;
  }

  /** Stops the worker loop without touching the pod (agent shutdown with --keep-pods). */
  void stopLoop() {
    stopRequested = true;
    wake();
  }

  private void wake() {
    synchronized (signal) {
      dirty = true;
      signal.notifyAll();
    }
  }

  @Override
  public void run() {
    PodObserver observer = deps.statusWriter().observer();
    while (!stopRequested && !finished) {
      long syncStart = System.nanoTime();
      boolean failed = false;
      try {
        Pod seen = pod;
        if (seen != null) {
          observer.seen(seen);
        }
        sync();
      } catch (RuntimeException e) {
        failed = true;
        LOG.errorf(e, "sync of pod %s/%s failed", state.namespace, state.name);
      }
      observer.synced((System.nanoTime() - syncStart) / 1e9, failed);
      if (finished) {
        observer.forgotten(uid);
        break;
      }
      synchronized (signal) {
        if (!dirty && !stopRequested) {
          try {
            signal.wait(containerStarting ? STARTING_RESYNC_MILLIS : IDLE_RESYNC_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        dirty = false;
      }
    }
  }

  void sync() {
    containerStarting = false;
    Pod current = pod;
    if (goneFromApi || current == null || current.getMetadata().getDeletionTimestamp() != null) {
      if (current != null || goneFromApi) {
        terminate(current);
      }
      return;
    }
    if (state.startTimeMillis == 0) {
      state.startTimeMillis =
          current.getStatus() != null && current.getStatus().getStartTime() != null
              ? Instant.parse(current.getStatus().getStartTime()).toEpochMilli()
              : deps.clock().millis();
    }
    if (!state.sandboxReady) {
      try {
        trace.mark("worker");
        deps.sandbox().setUp(current, state, trace);
        PodFiles.write(
            current,
            deps.starter().podDir(uid),
            state.podIps,
            deps.config().clusterDns(),
            deps.config().clusterDomain());
        save();
        trace.mark("files");
      } catch (IOException | RuntimeException e) {
        LOG.warnf("pod %s/%s: sandbox not ready: %s", state.namespace, state.name, e.getMessage());
        deps.events()
            .record(
                EventRecorder.pod(current),
                EventRecorder.WARNING,
                "FailedCreatePodSandBox",
                "Failed to create pod sandbox: " + e.getMessage());
        publish(current, sandboxPendingView(current, e.getMessage()));
        return;
      }
    }
    String eviction;
    synchronized (signal) {
      eviction = evictMessage;
    }
    if (eviction != null && state.evictedMessage == null) {
      LOG.infof("pod %s/%s: evicted: %s", state.namespace, state.name, eviction);
      deps.events().record(EventRecorder.pod(current), EventRecorder.WARNING, "Evicted", eviction);
      state.evictedMessage = eviction;
      save();
      stopContainers(Duration.ZERO);
    }
    List<ContainerView> initViews = new ArrayList<>();
    boolean initDone = state.evictedMessage == null;
    List<Container> inits =
        current.getSpec().getInitContainers() == null
            ? List.of()
            : current.getSpec().getInitContainers();
    for (Container container : inits) {
      ContainerView view = step(current, container, "init/" + container.getName(), true, initDone);
      initViews.add(view);
      if (!(view.state() == ContainerView.State.TERMINATED && view.exitCode() == 0)) {
        initDone = false;
      }
    }
    List<ContainerView> views = new ArrayList<>();
    for (Container container : current.getSpec().getContainers()) {
      views.add(
          step(
              current,
              container,
              "app/" + container.getName(),
              false,
              initDone && state.evictedMessage == null));
    }
    refreshVolumes(current);
    save();
    publish(
        current,
        new PodView(
            true,
            state.podIps,
            deps.config().nodeIp(),
            Instant.ofEpochMilli(state.startTimeMillis),
            initViews,
            views));
  }

  /**
   * Every sync period ({@code --sync-frequency}, {@link SyncPeriod}), brings the pod's ConfigMap,
   * Secret, downward API and projected volumes up to date (changed sources, tokens due for
   * renewal), as kubelet's periodic pod sync does; the first sync only starts the clock (its
   * container starts just wrote them). A volume that cannot be brought up to date is a FailedMount
   * warning on the pod when the failure starts or changes ({@link MountFailures}).
   */
  private void refreshVolumes(Pod current) {
    if (!volumeSync.due()) {
      return;
    }
    PodVolumes.Refresh refresh =
        PodVolumes.refresh(
            current, deps.starter().podDir(uid), deps.starter().sources(), tokenRenewal);
    if (!refresh.rewritten().isEmpty()) {
      LOG.infof("pod %s/%s: volumes updated: %s", state.namespace, state.name, refresh.rewritten());
    }
    for (String message : mountFailures.toReport(refresh)) {
      deps.events()
          .record(EventRecorder.pod(current), EventRecorder.WARNING, "FailedMount", message);
    }
  }

  /** Moves one container slot forward and returns how it looks now. */
  private ContainerView step(
      Pod current, Container container, String key, boolean init, boolean mayStart) {
    PodState.Slot slot = state.slot(key);
    long now = deps.clock().millis();
    if (slot.id != null && slot.ended == null) {
      ContainerStatus status = deps.runtime().status(slot.id);
      switch (status.state()) {
        case RUNNING:
          slot.waitingReason = null;
          boolean ready = probe(current, container, slot, status, init);
          return view(
              container,
              slot,
              ContainerView.State.RUNNING,
              null,
              null,
              0,
              status.startedAt(),
              null,
              ready);
        case CREATING:
          containerStarting = true;
          return view(
              container,
              slot,
              ContainerView.State.WAITING,
              "ContainerCreating",
              null,
              0,
              null,
              null,
              false);
        case EXITED:
          slot.ended = ended(slot.id, status);
          LOG.infof(
              "pod %s/%s: container %s exited with %d (%s)",
              state.namespace,
              state.name,
              container.getName(),
              status.exitCode(),
              slot.ended.reason);
          break;
        case UNKNOWN:
        default:
          slot.ended = new PodState.Ended();
          slot.ended.id = slot.id;
          slot.ended.exitCode = 255;
          slot.ended.reason = "ContainerStatusUnknown";
          slot.ended.message = "The container could not be located when the pod was synced";
          slot.ended.finishedMillis = now;
          break;
      }
    }
    if (slot.ended != null) {
      if (state.evictedMessage != null || !shouldRestart(current, init, slot.ended.exitCode)) {
        PodState.Ended e = slot.ended;
        return view(
            container,
            slot,
            ContainerView.State.TERMINATED,
            e.reason,
            e.message,
            e.exitCode,
            instant(e.startedMillis),
            instant(e.finishedMillis),
            false);
      }
      Duration ran =
          Duration.ofMillis(Math.max(0, slot.ended.finishedMillis - slot.ended.startedMillis));
      long restartAt =
          slot.ended.finishedMillis + RestartBackoff.delay(slot.restartCount, ran).toMillis();
      if (now < restartAt) {
        long seconds = (restartAt - slot.ended.finishedMillis) / 1000;
        if (reportedBackOffs.add(key + "#" + slot.restartCount)) {
          containerEvent(
              current,
              container,
              init,
              EventRecorder.WARNING,
              "BackOff",
              "Back-off restarting failed container "
                  + container.getName()
                  + " in pod "
                  + state.name
                  + "_"
                  + state.namespace
                  + "("
                  + uid
                  + ")");
        }
        ContainerView waiting =
            new ContainerView(
                container.getName(),
                container.getImage(),
                slot.imageId,
                null,
                slot.restartCount,
                ContainerView.State.WAITING,
                "CrashLoopBackOff",
                "back-off "
                    + seconds
                    + "s restarting failed container="
                    + container.getName()
                    + " pod="
                    + state.name
                    + "_"
                    + state.namespace
                    + "("
                    + uid
                    + ")",
                0,
                null,
                null,
                termination(slot.ended),
                false);
        return waiting;
      }
      deps.starter().destroy(slot.ended.id);
      readinessProbes.remove(slot.ended.id);
      livenessProbes.remove(slot.ended.id);
      slot.last = slot.ended;
      slot.ended = null;
      slot.id = null;
      slot.restartCount++;
    }
    if (slot.id == null) {
      if (state.evictedMessage != null) {
        // As upstream for a terminal pod: a container that never ran is reported terminated.
        return view(
            container,
            slot,
            ContainerView.State.TERMINATED,
            "ContainerStatusUnknown",
            "The container could not be located when the pod was terminated",
            137,
            null,
            null,
            false);
      }
      if (!mayStart) {
        return view(
            container,
            slot,
            ContainerView.State.WAITING,
            "PodInitializing",
            null,
            0,
            null,
            null,
            false);
      }
      String id = newId();
      launching.add(id);
      try {
        slot.imageId =
            deps.starter().start(current, container, key, id, slot.restartCount, state, trace);
        slot.id = id;
        slot.waitingReason = null;
        slot.waitingMessage = null;
        save();
        launching.remove(id);
        LOG.infof(
            "pod %s/%s: started container %s as %s",
            state.namespace, state.name, container.getName(), id);
        // Report the container running in this sync's status rather than one resync later; a
        // container that exits at once is left to the next sync (its restart policy applies there).
        ContainerStatus launched = deps.runtime().awaitStarted(id, START_WAIT);
        trace.mark("running");
        if (launched.state() == ContainerStatus.State.RUNNING) {
          boolean ready = probe(current, container, slot, launched, init);
          return view(
              container,
              slot,
              ContainerView.State.RUNNING,
              null,
              null,
              0,
              launched.startedAt(),
              null,
              ready);
        }
        containerStarting = true;
        return view(
            container,
            slot,
            ContainerView.State.WAITING,
            "ContainerCreating",
            null,
            0,
            null,
            null,
            false);
      } catch (ContainerStarter.StartException e) {
        launching.remove(id);
        String reason = e.reason();
        if (reason.equals("ErrImagePull")
            && ("ErrImagePull".equals(slot.waitingReason)
                || "ImagePullBackOff".equals(slot.waitingReason))) {
          reason = "ImagePullBackOff";
        }
        containerEvent(
            current,
            container,
            init,
            EventRecorder.WARNING,
            "Failed",
            "Error: " + (IMAGE_REASONS.contains(reason) ? reason : e.getMessage()));
        if (!reason.equals(slot.waitingReason)) {
          LOG.warnf(
              "pod %s/%s: container %s: %s: %s",
              state.namespace, state.name, container.getName(), e.reason(), e.getMessage());
        }
        slot.waitingReason = reason;
        slot.waitingMessage = e.getMessage();
        return view(
            container,
            slot,
            ContainerView.State.WAITING,
            reason,
            e.getMessage(),
            0,
            null,
            null,
            false);
      }
    }
    return view(
        container,
        slot,
        ContainerView.State.WAITING,
        "ContainerCreating",
        null,
        0,
        null,
        null,
        false);
  }

  /**
   * Runs the container's liveness and readiness probes when due. A liveness verdict of failure
   * kills the container (the restart policy then applies); returns readiness (true without a
   * readiness probe).
   */
  private boolean probe(
      Pod current, Container container, PodState.Slot slot, ContainerStatus status, boolean init) {
    long now = deps.clock().millis();
    long started = status.startedAt() == null ? now : status.startedAt().toEpochMilli();
    String podIp = state.podIps.isEmpty() ? null : state.podIps.get(0);
    String id = slot.id;
    if (container.getLivenessProbe() != null) {
      ProbeTracker liveness =
          livenessProbes.computeIfAbsent(
              id, k -> new ProbeTracker(container.getLivenessProbe(), started, true));
      Prober.Result attempt =
          liveness.due(now)
              ? Prober.probe(container.getLivenessProbe(), container, podIp, id, deps.runtime())
              : null;
      if (attempt != null && !attempt.ok()) {
        containerEvent(
            current,
            container,
            init,
            EventRecorder.WARNING,
            "Unhealthy",
            "Liveness probe failed: " + attempt.detail());
      }
      if (attempt != null && !liveness.record(attempt.ok(), now)) {
        containerEvent(
            current,
            container,
            init,
            EventRecorder.NORMAL,
            "Killing",
            "Container " + container.getName() + " failed liveness probe, will be restarted");
        LOG.infof(
            "pod %s/%s: container %s failed liveness probe, will be restarted",
            state.namespace, state.name, container.getName());
        livenessProbes.remove(id);
        readinessProbes.remove(id);
        long grace =
            current.getSpec().getTerminationGracePeriodSeconds() == null
                ? 30
                : current.getSpec().getTerminationGracePeriodSeconds();
        try {
          deps.runtime().stop(id, Duration.ofSeconds(grace));
        } catch (IOException e) {
          LOG.warnf("stopping unhealthy container %s: %s", id, e.getMessage());
        }
        return false;
      }
    }
    if (container.getReadinessProbe() == null) {
      return true;
    }
    ProbeTracker readiness =
        readinessProbes.computeIfAbsent(
            id, k -> new ProbeTracker(container.getReadinessProbe(), started, false));
    if (readiness.due(now)) {
      Prober.Result attempt =
          Prober.probe(container.getReadinessProbe(), container, podIp, id, deps.runtime());
      if (!attempt.ok()) {
        containerEvent(
            current,
            container,
            init,
            EventRecorder.WARNING,
            "Unhealthy",
            "Readiness probe failed: " + attempt.detail());
      }
      readiness.record(attempt.ok(), now);
    }
    return readiness.result();
  }

  private ContainerView view(
      Container container,
      PodState.Slot slot,
      ContainerView.State kind,
      String reason,
      String message,
      int exitCode,
      Instant startedAt,
      Instant finishedAt,
      boolean ready) {
    String id = slot.id != null ? "runc://" + slot.id : null;
    return new ContainerView(
        container.getName(),
        container.getImage(),
        slot.imageId,
        id,
        slot.restartCount,
        kind,
        reason,
        message,
        exitCode,
        startedAt,
        finishedAt,
        termination(slot.last),
        ready);
  }

  private static ContainerView.Termination termination(PodState.Ended e) {
    if (e == null) {
      return null;
    }
    return new ContainerView.Termination(
        e.exitCode,
        e.reason,
        e.message,
        instant(e.startedMillis),
        instant(e.finishedMillis),
        "runc://" + e.id);
  }

  static PodState.Ended ended(String id, ContainerStatus status) {
    PodState.Ended e = new PodState.Ended();
    e.id = id;
    if (status.startFailed()) {
      e.exitCode = 128;
      e.reason = "StartError";
      e.message = status.message();
    } else if (status.oomKilled()) {
      // As containerd reports it: any OOM kill in the container's cgroup names the termination.
      e.exitCode = status.exitCode();
      e.reason = "OOMKilled";
    } else {
      e.exitCode = status.exitCode();
      e.reason = status.exitCode() == 0 ? "Completed" : "Error";
    }
    e.startedMillis = status.startedAt() == null ? 0 : status.startedAt().toEpochMilli();
    e.finishedMillis =
        status.finishedAt() == null
            ? System.currentTimeMillis()
            : status.finishedAt().toEpochMilli();
    return e;
  }

  static boolean shouldRestart(Pod pod, boolean init, int exitCode) {
    String policy = PodStatusComputer.restartPolicy(pod);
    if (init) {
      return exitCode != 0 && !policy.equals("Never");
    }
    return switch (policy) {
      case "Always" -> true;
      case "OnFailure" -> exitCode != 0;
      default -> false;
    };
  }

  private PodView sandboxPendingView(Pod current, String message) {
    List<ContainerView> inits = new ArrayList<>();
    if (current.getSpec().getInitContainers() != null) {
      for (Container c : current.getSpec().getInitContainers()) {
        inits.add(ContainerView.waiting(c.getName(), c.getImage(), "PodInitializing", null));
      }
    }
    List<ContainerView> apps = new ArrayList<>();
    for (Container c : current.getSpec().getContainers()) {
      apps.add(ContainerView.waiting(c.getName(), c.getImage(), "ContainerCreating", null));
    }
    return new PodView(
        false,
        List.of(),
        deps.config().nodeIp(),
        Instant.ofEpochMilli(state.startTimeMillis),
        inits,
        apps);
  }

  private void publish(Pod current, PodView view) {
    boolean force;
    synchronized (signal) {
      force = lastPublishedStale;
      lastPublishedStale = false;
    }
    PodStatus status =
        PodStatusComputer.compute(current, lastPublished, view, deps.clock().instant());
    if (state.evictedMessage != null) {
      EvictedStatus.apply(status, state.evictedMessage, lastPublished, deps.clock().instant());
    }
    if (!force && status.equals(lastPublished)) {
      return;
    }
    try {
      deps.statusWriter().write(current, status);
      lastPublished = status;
      published = status;
      if ("Running".equals(status.getPhase())) {
        trace.finish("status");
      }
    } catch (RuntimeException e) {
      LOG.warnf("pod %s/%s: status update failed: %s", state.namespace, state.name, e.getMessage());
    }
  }

  /** Kills and removes everything of the pod, then deletes it from the API if it is still there. */
  private void terminate(Pod current) {
    Duration grace = gracePeriod(current);
    if (current != null && !stopReported) {
      stopReported = true;
      reportStopping(current, false, current.getSpec().getInitContainers());
      reportStopping(current, true, current.getSpec().getContainers());
    }
    teardownLocal(grace);
    if (!goneFromApi && current != null) {
      try {
        deps.statusWriter().deleteNow(current);
      } catch (RuntimeException e) {
        LOG.warnf(
            "pod %s/%s: final delete failed: %s", state.namespace, state.name, e.getMessage());
        return; // try again on the next sync
      }
    }
    LOG.infof("pod %s/%s: removed", state.namespace, state.name);
    finished = true;
  }

  /**
   * How long the containers of {@code pod} may take to stop: the deletion's grace period when the
   * pod is being deleted with one, else the pod's {@code terminationGracePeriodSeconds}, else
   * upstream's default of 30 s (also for a pod the worker never saw).
   */
  static Duration gracePeriod(Pod pod) {
    long seconds = 30;
    if (pod != null) {
      if (pod.getMetadata().getDeletionGracePeriodSeconds() != null) {
        seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
      } else if (pod.getSpec() != null
          && pod.getSpec().getTerminationGracePeriodSeconds() != null) {
        seconds = pod.getSpec().getTerminationGracePeriodSeconds();
      }
    }
    return Duration.ofSeconds(Math.max(0, seconds));
  }

  /** The grace period this worker's pod gets when it is stopped now (see {@link #gracePeriod}). */
  Duration gracePeriod() {
    return gracePeriod(pod);
  }

  /** kubelet's "Killing" event for each of {@code containers} that runs now. */
  private void reportStopping(Pod current, boolean app, List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (Container container : containers) {
      PodState.Slot slot = state.slots.get((app ? "app/" : "init/") + container.getName());
      if (slot != null && slot.id != null && slot.ended == null) {
        deps.events()
            .record(
                EventRecorder.container(current, fieldPath(container, !app)),
                EventRecorder.NORMAL,
                "Killing",
                "Stopping container " + container.getName());
      }
    }
  }

  /** Records an event about one of the pod's containers (its field path names it). */
  private void containerEvent(
      Pod current, Container container, boolean init, String type, String reason, String message) {
    deps.events()
        .record(
            EventRecorder.container(current, fieldPath(container, init)), type, reason, message);
  }

  private static String fieldPath(Container container, boolean init) {
    return EventRecorder.fieldPath(container.getName(), init);
  }

  /**
   * Stops and removes all containers, releases the network and removes the pod's files. The pod
   * object in the API is not touched. Idempotent.
   */
  void teardownLocal(Duration grace) {
    LOG.infof("pod %s/%s: stopping (grace %ds)", state.namespace, state.name, grace.toSeconds());
    stopContainers(grace);
    for (PodState.Slot slot : state.slots.values()) {
      if (slot.id != null) {
        deps.starter().destroy(slot.id);
      }
      if (slot.ended != null && !slot.ended.id.equals(slot.id)) {
        deps.starter().destroy(slot.ended.id);
      }
    }
    deps.sandbox().tearDown(uid, state.namespace, state.name, state);
    try {
      deps.starter().unmountVolumes(uid);
    } catch (IOException e) {
      LOG.warnf("pod %s/%s: unmounting volumes: %s", state.namespace, state.name, e.getMessage());
    }
    try {
      deleteTree(deps.starter().podDir(uid));
      deleteTree(deps.config().podLogDir().resolve(state.namespace + "_" + state.name + "_" + uid));
    } catch (IOException e) {
      LOG.warnf("pod %s/%s: removing files: %s", state.namespace, state.name, e.getMessage());
    }
  }

  /** Stops all running containers of the pod in parallel, so the grace period is not multiplied. */
  void stopContainers(Duration grace) {
    List<Thread> stoppers = new ArrayList<>();
    for (PodState.Slot slot : state.slots.values()) {
      if (slot.id == null || slot.ended != null) {
        continue;
      }
      String id = slot.id;
      Thread thread =
          new Thread(
              () -> {
                try {
                  deps.runtime().stop(id, grace);
                } catch (IOException e) {
                  LOG.warnf("stopping container %s: %s", id, e.getMessage());
                }
              },
              "stop-" + id);
      thread.start();
      stoppers.add(thread);
    }
    for (Thread thread : stoppers) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void save() {
    gcView = PodGcView.of(state);
    try {
      stateFile.save(state);
    } catch (IOException e) {
      LOG.warnf("pod %s/%s: cannot save state: %s", state.namespace, state.name, e.getMessage());
    }
  }

  private static Instant instant(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis);
  }

  private static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Exposed for the runtime seam's users in this package. */
  ContainerRuntime runtime() {
    return deps.runtime();
  }
}
