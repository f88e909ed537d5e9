package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.RequestFailures;
import io.kuark.agent.RetryBackoff;
import io.kuark.agent.RetryWait;
import io.kuark.agent.Retrying;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.runtime.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs the pods bound to this node: an informer on pods with {@code spec.nodeName=<node>} feeds one
 * {@link PodWorker} per pod UID. On start it re-adopts pods from their saved state (containers keep
 * running, nothing restarts) and, once the informer has synced, tears down pods that were deleted
 * while the agent was down and removes container bundles no pod owns.
 */
public final class PodManager implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PodManager.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What pod workers use. */
  public record Deps(
      AgentConfig config,
      HostKernel kernel,
      ContainerRuntime runtime,
      ContainerStarter starter,
      PodSandbox sandbox,
      StatusWriter statusWriter,
      EventRecorder events,
      Clock clock) {}

  private final Deps deps;
  private final KubernetesClient client;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();

  /** Static pods (from the manifests directory) by UID; they run without an API object. */
  private final Map<String, Pod> staticPods = new ConcurrentHashMap<>();

  /** Waits between attempts at the first pod list; tests record the waits instead. */
  private final RetryWait sleeper;

  private volatile SharedIndexInformer<Pod> informer;
  private volatile boolean stopped;

  /** Counted down by {@link #shutdown}: ends a wait between two attempts at the first list. */
  private final CountDownLatch shutDown = new CountDownLatch(1);

  public PodManager(Deps deps, KubernetesClient client) {
    this(deps, client, null);
  }

  /**
   * @param sleeper waits between attempts at the first pod list; null: sleep, until a shutdown
   */
  PodManager(Deps deps, KubernetesClient client, RetryWait sleeper) {
    this.deps = deps;
    this.client = client;
    this.sleeper = sleeper == null ? RetryWait.until(shutDown) : sleeper;
  }

  private Path podsDir() {
    return deps.config().agentDir().resolve("pods");
  }

  /**
   * Starts watching pods; returns once the first list is in and leftovers are handled. A first list
   * that fails (the API server unreachable or answering with an error) is tried again after {@link
   * RetryBackoff#reflectorList}'s wait, each failure logged once, until it succeeds or the manager
   * is shut down: pods running from before keep running meanwhile, and none is torn down on an
   * empty picture.
   *
   * @throws IOException when the manager was shut down before a list succeeded
   * @throws InterruptedException when interrupted while waiting to try again
   */
  public void start() throws IOException, InterruptedException {
    Files.createDirectories(podsDir());
    String stoppedMessage = "pod manager stopped before the first pod list";
    new Retrying<>(
            "listing the pods of node " + deps.config().nodeName(),
            KubernetesClientException.class,
            RequestFailures::reason)
        .run(
            () -> {
              SharedIndexInformer<Pod> candidate = podInformer();
              // Published before the stop check: a shutdown in between stops this one.
              informer = candidate;
              if (stopped) {
                throw new IOException(stoppedMessage);
              }
              try {
                candidate.run();
              } catch (KubernetesClientException e) {
                candidate.stop();
                throw e;
              }
              return null;
            },
            RetryBackoff.reflectorList(),
            sleeper,
            () -> stopped,
            cause -> new IOException(stoppedMessage, cause));
    cleanUpLeftovers();
  }

  /** The informer on this node's pods, not started. */
  private SharedIndexInformer<Pod> podInformer() {
    SharedIndexInformer<Pod> pods =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", deps.config().nodeName())
            .runnableInformer(Duration.ofMinutes(10).toMillis());
    pods.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            onPod(pod);
          }

          @Override
          public void onUpdate(Pod oldPod, Pod pod) {
            onPod(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            PodWorker worker = workers.get(pod.getMetadata().getUid());
            if (worker != null) {
              worker.gone();
            }
          }
        });
    return pods;
  }

  private void onPod(Pod pod) {
    if (!deps.config().nodeName().equals(pod.getSpec().getNodeName())) {
      return; // the field selector should have filtered it; never run another node's pod
    }
    if (MirrorPods.isMirror(pod)) {
      return; // the API's picture of a static pod; the static pod itself runs
    }
    String uid = pod.getMetadata().getUid();
    PodWorker worker = workers.computeIfAbsent(uid, u -> newWorker(pod));
    worker.update(pod);
  }

  private PodWorker newWorker(Pod pod) {
    String uid = pod.getMetadata().getUid();
    Path stateFile = podsDir().resolve(uid).resolve("state.json");
    PodState state = null;
    if (Files.exists(stateFile)) {
      try {
        state = PodState.load(stateFile);
        LOG.infof(
            "re-adopting pod %s/%s", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        reattachLogs(pod, state);
      } catch (IOException e) {
        LOG.warnf("unreadable state of pod %s: %s", uid, e.getMessage());
      }
    }
    PodStartTrace trace = PodStartTrace.none();
    if (state == null) {
      state = new PodState();
      state.uid = uid;
      state.namespace = pod.getMetadata().getNamespace();
      state.name = pod.getMetadata().getName();
      trace = new PodStartTrace(state.namespace, state.name);
    }
    return startWorker(uid, state, stateFile, trace);
  }

  private PodWorker startWorker(String uid, PodState state, Path stateFile, PodStartTrace trace) {
    PodWorker worker = new PodWorker(deps, uid, state, stateFile, trace);
    Thread thread =
        new Thread(
            () -> {
              worker.run();
              if (worker.finished()) {
                workers.remove(uid, worker);
              }
            },
            "pod-" + state.namespace + "-" + state.name);
    thread.setDaemon(true);
    thread.start();
    return worker;
  }

  private void reattachLogs(Pod pod, PodState state) {
    state.slots.forEach(
        (key, slot) -> {
          if (slot.id != null && slot.ended == null) {
            String name = key.substring(key.indexOf('/') + 1);
            deps.runtime().reattach(slot.id, deps.starter().logFile(pod, name, slot.restartCount));
          }
        });
  }

  /**
   * Pods with saved state that the API no longer has are torn down; container bundles of unknown
   * pods are destroyed.
   */
  private void cleanUpLeftovers() throws IOException {
    Set<String> known = new HashSet<>(staticPods.keySet());
    for (Pod pod : informer.getStore().list()) {
      known.add(pod.getMetadata().getUid());
    }
    try (Stream<Path> dirs = Files.list(podsDir())) {
      for (Path dir : dirs.toList()) {
        String uid = dir.getFileName().toString();
        Path stateFile = dir.resolve("state.json");
        if (known.contains(uid) || workers.containsKey(uid)) {
          continue;
        }
        PodState state;
        try {
          state = PodState.load(stateFile);
        } catch (IOException e) {
          state = new PodState();
          state.uid = uid;
          state.namespace = "unknown";
          state.name = uid;
        }
        LOG.infof(
            "pod %s/%s was deleted while the agent was down; cleaning up",
            state.namespace, state.name);
        PodWorker worker = startWorker(uid, state, stateFile, PodStartTrace.none());
        workers.put(uid, worker);
        worker.gone();
      }
    }
    Set<String> owned = new HashSet<>();
    try (Stream<Path> dirs = Files.list(podsDir())) {
      for (Path dir : dirs.toList()) {
        owned.add(dir.getFileName().toString());
      }
    }
    for (String id : deps.runtime().list()) {
      Path meta = deps.runtime().bundle(id).resolve("kuark.json");
      String podUid = null;
      try {
        podUid = JSON.readTree(meta.toFile()).path("podUid").asText(null);
      } catch (IOException e) {
        // no or broken metadata: an orphan
      }
      if (podUid == null || !owned.contains(podUid)) {
        LOG.infof("removing orphaned container %s", id);
        try {
          deps.runtime().stop(id, Duration.ZERO);
        } catch (IOException e) {
          LOG.warnf("stopping orphan %s: %s", id, e.getMessage());
        }
        deps.starter().destroy(id);
      }
    }
  }

  /**
   * Makes the static pods (by UID) the ones that run: new ones get a worker, ones no longer listed
   * are torn down. Idempotent.
   */
  public void syncStatic(Map<String, Pod> desired) {
    for (Map.Entry<String, Pod> entry : desired.entrySet()) {
      Pod pod = entry.getValue();
      staticPods.put(entry.getKey(), pod);
      PodWorker worker = workers.computeIfAbsent(entry.getKey(), u -> newWorker(pod));
      worker.update(pod);
    }
    for (String uid : List.copyOf(staticPods.keySet())) {
      if (!desired.containsKey(uid)) {
        Pod gone = staticPods.remove(uid);
        PodWorker worker = workers.get(uid);
        if (worker != null) {
          LOG.infof(
              "static pod %s/%s was removed from the manifests; stopping it",
              gone.getMetadata().getNamespace(), gone.getMetadata().getName());
          worker.gone();
        }
      }
    }
  }

  /** Pods bound to this node as the informer last saw them (mirror pods included). */
  public List<Pod> boundPods() {
    SharedIndexInformer<Pod> current = informer;
    return current == null ? List.of() : current.getStore().list();
  }

  /** Publishes the pod's status again on its next sync (its mirror pod was just re-created). */
  void republishStatus(String uid) {
    PodWorker worker = workers.get(uid);
    if (worker != null) {
      worker.republish();
    }
  }

  /**
   * The pod {@code namespace/name} bound to this node, as the informer last saw it but with the
   * status this agent last wrote for it (the informer brings that back only later: {@code kubectl
   * run -it} attaches the moment it sees Running, and the container must be found then); for a
   * static pod the pod this agent runs (not its mirror).
   */
  public java.util.Optional<Pod> find(String namespace, String name) {
    for (Pod pod : staticPods.values()) {
      if (pod.getMetadata().getNamespace().equals(namespace)
          && pod.getMetadata().getName().equals(name)) {
        return java.util.Optional.of(pod);
      }
    }
    SharedIndexInformer<Pod> current = informer;
    if (current == null) {
      return java.util.Optional.empty();
    }
    Pod seen = current.getStore().getByKey(namespace + "/" + name);
    if (seen == null) {
      return java.util.Optional.empty();
    }
    PodWorker worker = workers.get(seen.getMetadata().getUid());
    return java.util.Optional.of(
        withOwnStatus(seen, worker == null ? null : worker.publishedStatus()));
  }

  /**
   * {@code seen} with {@code published} as its status when there is one; a new object, the
   * informer's stays untouched.
   */
  static Pod withOwnStatus(Pod seen, io.fabric8.kubernetes.api.model.PodStatus published) {
    if (published == null) {
      return seen;
    }
    return new Pod(
        seen.getApiVersion(), seen.getKind(), seen.getMetadata(), seen.getSpec(), published);
  }

  /** Workers of pods the node may evict: not static, not finished, not evicted yet. */
  List<PodWorker> evictableWorkers() {
    List<PodWorker> result = new java.util.ArrayList<>();
    for (Map.Entry<String, PodWorker> entry : workers.entrySet()) {
      PodWorker worker = entry.getValue();
      Pod pod = worker.pod();
      if (pod == null
          || staticPods.containsKey(entry.getKey())
          || worker.finished()
          || worker.evicted()
          || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      result.add(worker);
    }
    return result;
  }

  Deps deps() {
    return deps;
  }

  /** The pods container GC must respect: workers, pods bound in the API, static pods. */
  LivePods livePods() {
    return new LivePods() {
      @Override
      public Set<String> uids() {
        Set<String> uids = new HashSet<>(workers.keySet());
        uids.addAll(staticPods.keySet());
        for (Pod pod : boundPods()) {
          uids.add(pod.getMetadata().getUid());
        }
        return uids;
      }

      @Override
      public PodGcView view(String uid) {
        PodWorker worker = workers.get(uid);
        return worker == null ? null : worker.gcView();
      }

      @Override
      public boolean tracks(String uid, String id) {
        PodWorker worker = workers.get(uid);
        return worker != null && worker.tracks(id);
      }
    };
  }

  /** Pod UIDs with a live worker. */
  public Set<String> activePods() {
    return Set.copyOf(workers.keySet());
  }

  /**
   * Stops the informer. With {@code stopPods} every pod is torn down locally (containers stopped
   * within the pod's own grace period — its deletion's, else its {@code
   * terminationGracePeriodSeconds} — network released) but left in the API; otherwise pods keep
   * running for the next agent.
   */
  public void shutdown(boolean stopPods) {
    stopped = true;
    shutDown.countDown();
    SharedIndexInformer<Pod> current = informer;
    if (current != null) {
      current.stop();
    }
    List<PodWorker> all = List.copyOf(workers.values());
    for (PodWorker worker : all) {
      worker.stopLoop();
    }
    if (stopPods) {
      List<Thread> stoppers = new java.util.ArrayList<>();
      for (PodWorker worker : all) {
        Thread thread =
            new Thread(
                () -> worker.teardownLocal(worker.gracePeriod()), "shutdown-" + worker.uid());
        thread.start();
        stoppers.add(thread);
      }
      for (Thread thread : stoppers) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public void close() {
    shutdown(false);
  }
}
