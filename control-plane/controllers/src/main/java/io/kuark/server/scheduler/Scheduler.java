package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Times;
import io.kuark.server.scheduler.plugins.SpreadDefaults;
import io.kuark.server.scheduler.preemption.ApiPreemptor;
import io.kuark.server.scheduler.preemption.DisruptionAllowance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The {@code default-scheduler}: feeds pending pods of that scheduler into the queue and bound pods
 * and nodes into the cache from shared informers, runs scheduling cycles on one thread and each
 * binding on a thread of its own ({@link BindingExecutor}), and reports FailedScheduling events and
 * the PodScheduled condition.
 */
public final class Scheduler implements SchedulingOutcomes, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Scheduler.class);

  private final KubernetesClient client;
  private final Lister<Pod> pods;
  private final SchedulerCache cache = new SchedulerCache();
  private final SchedulingQueue queue = new SchedulingQueue(System::nanoTime);
  private final SchedulerMetrics metrics;
  private final EventRecorder events;
  private final ExecutorService background;
  private final ExecutorService binders;
  private final SchedulingCycle cycle;
  private final LoopContext ctx;
  private final AtomicLong scheduledCount = new AtomicLong();
  private Thread loop;
  private ScheduledFuture<?> housekeeping;

  public Scheduler(LoopContext ctx, Binder binder) {
    this(ctx, binder, new SchedulerMetrics());
  }

  /** As above, counting into {@code metrics}. */
  public Scheduler(LoopContext ctx, Binder binder, SchedulerMetrics metrics) {
    this(ctx, binder, metrics, SpreadDefaults.SYSTEM);
  }

  /**
   * As above, with {@code spreadDefaults} (the scheduler configuration's PodTopologySpreadArgs) for
   * pods without spread constraints.
   */
  public Scheduler(
      LoopContext ctx, Binder binder, SchedulerMetrics metrics, SpreadDefaults spreadDefaults) {
    this(
        ctx,
        binder,
        metrics,
        ServedResources.coreV1(ctx.client(), "replicationcontrollers"),
        spreadDefaults);
  }

  /**
   * As above; {@code watchReplicationControllers} says whether the API serves them (only then are
   * they watched, for the default spread constraints).
   */
  Scheduler(
      LoopContext ctx,
      Binder binder,
      SchedulerMetrics metrics,
      boolean watchReplicationControllers,
      SpreadDefaults spreadDefaults) {
    this.metrics = metrics;
    metrics.watch(queue);
    this.ctx = ctx;
    this.client = ctx.client();
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder(DefaultProfile.SCHEDULER_NAME);
    this.background = ctx.background();
    this.binders = BindingExecutor.create();
    Lister<PodDisruptionBudget> budgets = ctx.informers().lister(PodDisruptionBudget.class);
    this.cycle =
        new SchedulingCycle(
            cache,
            queue,
            DefaultProfile.create(
                new Random(),
                new InformerVolumeLookup(ctx.client(), ctx.informers()),
                defaultSpreadSelector(ctx, watchReplicationControllers),
                namespaceLabels(ctx),
                spreadDefaults),
            binder,
            binders,
            this,
            pods::get,
            counting(
                new ApiPreemptor(
                    client, events, background, ctx.clock(), DefaultProfile.SCHEDULER_NAME)),
            () -> DisruptionAllowance.compute(budgets.list(), pods.list()));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(Handlers.of(this::podAdded, this::podUpdated, this::podDeleted));
    ctx.informers()
        .get(Node.class)
        .addEventHandler(Handlers.of(this::nodeAdded, this::nodeUpdated, this::nodeDeleted));
    // Claims getting bound and volumes appearing can make pods with volumes schedulable.
    ctx.informers()
        .get(PersistentVolumeClaim.class)
        .addEventHandler(Handlers.any(c -> queue.onClusterEvent(ClusterEvent.VOLUME_CHANGE)));
    ctx.informers()
        .get(PersistentVolume.class)
        .addEventHandler(Handlers.any(v -> queue.onClusterEvent(ClusterEvent.VOLUME_CHANGE)));
    ctx.informers()
        .get(StorageClass.class)
        .addEventHandler(Handlers.any(sc -> queue.onClusterEvent(ClusterEvent.VOLUME_CHANGE)));
    // Namespace labels decide which namespaces a pod affinity namespaceSelector covers.
    ctx.informers()
        .get(Namespace.class)
        .addEventHandler(
            Handlers.of(
                ns -> queue.onClusterEvent(ClusterEvent.NAMESPACE_LABELS),
                (old, ns) -> {
                  if (!Objects.equals(
                      old.getMetadata().getLabels(), ns.getMetadata().getLabels())) {
                    queue.onClusterEvent(ClusterEvent.NAMESPACE_LABELS);
                  }
                },
                ns -> {}));
  }

  /** Counts preemptions and their victims on the way to {@code preemptor}. */
  private io.kuark.server.scheduler.preemption.Preemptor counting(
      io.kuark.server.scheduler.preemption.Preemptor preemptor) {
    return new io.kuark.server.scheduler.preemption.Preemptor() {
      @Override
      public void preempt(
          Pod pod, io.kuark.server.scheduler.preemption.Candidate candidate, List<Pod> displaced) {
        metrics.preemptions.increment();
        metrics.victims.add(candidate.victims().size());
        preemptor.preempt(pod, candidate, displaced);
      }

      @Override
      public void clearNomination(Pod pod) {
        preemptor.clearNomination(pod);
      }
    };
  }

  private static DefaultSpreadSelector defaultSpreadSelector(
      LoopContext ctx, boolean watchReplicationControllers) {
    Lister<io.fabric8.kubernetes.api.model.Service> services =
        ctx.informers().lister(io.fabric8.kubernetes.api.model.Service.class);
    Lister<io.fabric8.kubernetes.api.model.ReplicationController> rcs =
        watchReplicationControllers
            ? ctx.informers().lister(io.fabric8.kubernetes.api.model.ReplicationController.class)
            : null;
    Lister<io.fabric8.kubernetes.api.model.apps.ReplicaSet> rss =
        ctx.informers().lister(io.fabric8.kubernetes.api.model.apps.ReplicaSet.class);
    Lister<io.fabric8.kubernetes.api.model.apps.StatefulSet> sets =
        ctx.informers().lister(io.fabric8.kubernetes.api.model.apps.StatefulSet.class);
    return new DefaultSpreadSelector(
        ns -> services.namespace(ns).list(),
        ns -> rcs == null ? List.of() : rcs.namespace(ns).list(),
        (ns, name) -> rss.namespace(ns).get(name),
        (ns, name) -> sets.namespace(ns).get(name));
  }

  private static java.util.function.Function<String, java.util.Map<String, String>> namespaceLabels(
      LoopContext ctx) {
    Lister<io.fabric8.kubernetes.api.model.Namespace> namespaces =
        ctx.informers().lister(io.fabric8.kubernetes.api.model.Namespace.class);
    return name -> {
      io.fabric8.kubernetes.api.model.Namespace ns = namespaces.get(name);
      if (ns == null) {
        return null;
      }
      return ns.getMetadata().getLabels() == null
          ? java.util.Map.of()
          : ns.getMetadata().getLabels();
    };
  }

  /** Pods this scheduler is responsible for: its name (or none), pending, not being deleted. */
  static boolean responsible(Pod pod) {
    String name = pod.getSpec().getSchedulerName();
    return (name == null || name.isEmpty() || DefaultProfile.SCHEDULER_NAME.equals(name))
        && Pods.isActive(pod)
        && !Pods.isScheduled(pod);
  }

  private void podAdded(Pod pod) {
    if (Pods.isScheduled(pod)) {
      if (!Pods.isTerminal(pod)) {
        synchronized (cache) {
          cache.addBoundPod(pod);
        }
        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_ADD);
      }
      queue.delete(pod);
    } else if (responsible(pod)) {
      String nominated = nominatedNode(pod);
      if (nominated != null) {
        synchronized (cache) {
          cache.nominate(pod, nominated);
        }
      }
      queue.add(pod);
    }
  }

  private static String nominatedNode(Pod pod) {
    String n = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    return n == null || n.isEmpty() ? null : n;
  }

  /**
   * Follows {@code status.nominatedNodeName}; an update that merely lacks it keeps a nomination
   * this scheduler made and has not written yet, as upstream's nominator does.
   */
  private void updateNomination(Pod old, Pod pod) {
    String now = nominatedNode(pod);
    String before = nominatedNode(old);
    synchronized (cache) {
      if (now != null) {
        cache.nominate(pod, now);
      } else if (before != null) {
        cache.nominate(pod, null);
      }
    }
  }

  private void podUpdated(Pod old, Pod pod) {
    if (Pods.isScheduled(pod)) {
      synchronized (cache) {
        if (Pods.isTerminal(pod)) {
          cache.removePod(pod);
        } else {
          cache.addBoundPod(pod);
        }
      }
      queue.delete(pod);
      if (Pods.isTerminal(pod)) {
        if (!Pods.isTerminal(old)) {
          queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
        }
      } else if (!Pods.isScheduled(old)) {
        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_ADD);
      } else if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_UPDATE);
      }
    } else if (responsible(pod)) {
      updateNomination(old, pod);
      if (!Objects.equals(old.getSpec(), pod.getSpec())
          || !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
        queue.add(pod);
      }
    } else {
      queue.delete(pod);
      synchronized (cache) {
        cache.nominate(pod, null);
      }
    }
  }

  private void podDeleted(Pod pod) {
    queue.delete(pod);
    boolean freed;
    synchronized (cache) {
      freed = cache.isAssumedOrBound(pod);
      cache.removePod(pod);
    }
    if (freed) {
      queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
    }
  }

  private void nodeAdded(Node node) {
    synchronized (cache) {
      cache.upsertNode(node);
    }
    queue.onClusterEvent(ClusterEvent.NODE_ADD);
  }

  private void nodeUpdated(Node old, Node node) {
    synchronized (cache) {
      cache.upsertNode(node);
    }
    if (schedulingRelevantChange(old, node)) {
      queue.onClusterEvent(ClusterEvent.NODE_UPDATE);
    }
  }

  /**
   * Heartbeats alone do not change what fits; spec (taints, unschedulable), labels, allocatable and
   * the status of any condition do (upstream's node update events).
   */
  static boolean schedulingRelevantChange(Node old, Node node) {
    return !Objects.equals(old.getSpec(), node.getSpec())
        || !Objects.equals(old.getMetadata().getLabels(), node.getMetadata().getLabels())
        || old.getStatus() == null
        || node.getStatus() == null
        || !Objects.equals(old.getStatus().getAllocatable(), node.getStatus().getAllocatable())
        || !conditions(old).equals(conditions(node));
  }

  /** Condition type to status, without the timestamps a heartbeat moves. */
  private static java.util.Map<String, String> conditions(Node node) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        out.put(c.getType(), c.getStatus());
      }
    }
    return out;
  }

  private void nodeDeleted(Node node) {
    synchronized (cache) {
      cache.removeNode(node.getMetadata().getName());
    }
  }

  /** Starts the scheduling thread; informers must be started by the caller. */
  public synchronized void start() {
    loop = new Thread(this::runLoop, "kuark-scheduler");
    loop.setDaemon(true);
    loop.start();
    housekeeping =
        ctx.delays()
            .scheduleAtFixedRate(queue::flushUnschedulableLeftovers, 30, 30, TimeUnit.SECONDS);
  }

  private void runLoop() {
    while (true) {
      Optional<QueuedPod> next;
      try {
        next = queue.pop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      try {
        cycle.run(next.get());
      } catch (RuntimeException e) {
        LOG.warnf("scheduling %s failed: %s", next.get().key(), e.toString());
        queue.addBackoff(next.get());
      }
    }
  }

  public long scheduledCount() {
    return scheduledCount.get();
  }

  @Override
  public void scheduled(Pod pod, String node, long latencyNanos) {
    metrics.scheduled.increment();
    scheduledCount.incrementAndGet();
    events.normal(
        pod,
        "Scheduled",
        String.format(
            "Successfully assigned %s/%s to %s",
            pod.getMetadata().getNamespace(), pod.getMetadata().getName(), node));
  }

  @Override
  public void unschedulable(Pod pod, String message) {
    metrics.unschedulableAttempts.increment();
    events.warning(pod, "FailedScheduling", message);
    background.execute(() -> setUnschedulableCondition(pod, message));
  }

  @Override
  public void failed(Pod pod, String message) {
    metrics.errors.increment();
    events.warning(pod, "FailedScheduling", message);
  }

  /**
   * Sets PodScheduled=False/Unschedulable with the message, unless it already says exactly that.
   */
  private void setUnschedulableCondition(Pod pod, String message) {
    PodCondition current = Pods.condition(pod, "PodScheduled");
    if (current != null
        && "False".equals(current.getStatus())
        && "Unschedulable".equals(current.getReason())
        && message.equals(current.getMessage())) {
      return;
    }
    Pod copy = client.getKubernetesSerialization().clone(pod);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    List<PodCondition> conditions = new ArrayList<>();
    if (copy.getStatus().getConditions() != null) {
      for (PodCondition c : copy.getStatus().getConditions()) {
        if (!"PodScheduled".equals(c.getType())) {
          conditions.add(c);
        }
      }
    }
    String since =
        current != null && "False".equals(current.getStatus())
            ? current.getLastTransitionTime()
            : Times.now(ctx.clock());
    conditions.add(
        new io.fabric8.kubernetes.api.model.PodConditionBuilder()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage(message)
            .withLastTransitionTime(since)
            .build());
    copy.getStatus().setConditions(conditions);
    if (copy.getStatus().getPhase() == null) {
      copy.getStatus().setPhase("Pending");
    }
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
    } catch (RuntimeException e) {
      // A newer version of the pod exists (or it is gone); the next failed attempt writes again.
      LOG.debugf("PodScheduled condition of %s: %s", pod.getMetadata().getName(), e.toString());
    }
  }

  @Override
  public synchronized void close() {
    queue.close();
    if (housekeeping != null) {
      housekeeping.cancel(false);
    }
    if (loop != null) {
      loop.interrupt();
    }
    binders.shutdownNow();
  }
}
