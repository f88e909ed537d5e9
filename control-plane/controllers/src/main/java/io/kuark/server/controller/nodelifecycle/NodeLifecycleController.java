package io.kuark.server.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches node heartbeats (the node's Lease in {@code kube-node-lease} and its Ready condition's
 * lastHeartbeatTime, as observed on this server's clock). After {@code gracePeriod} (40 s) without
 * one, the node's conditions become Unknown. From the Ready condition it derives the
 * not-ready/unreachable NoSchedule and NoExecute taints (and the unschedulable taint from
 * spec.unschedulable, the pressure taints from the pressure conditions), marks the node's pods not
 * ready, and evicts pods once their toleration of a NoExecute taint runs out.
 */
public final class NodeLifecycleController implements AutoCloseable {

  /** Node conditions that taint a node NoSchedule while True, in upstream's order. */
  static final Map<String, String> CONDITION_TAINTS = conditionTaints();

  private static Map<String, String> conditionTaints() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("MemoryPressure", "node.kubernetes.io/memory-pressure");
    m.put("DiskPressure", "node.kubernetes.io/disk-pressure");
    m.put("PIDPressure", "node.kubernetes.io/pid-pressure");
    m.put("NetworkUnavailable", "node.kubernetes.io/network-unavailable");
    return m;
  }

  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final List<String> CONDITIONS =
      List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
  static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  private final KubernetesClient client;
  private final Lister<Node> nodes;
  private final Lister<Lease> leases;
  private final Lister<Pod> pods;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration gracePeriod;
  private final Controller controller;
  private final LoopContext ctx;
  private final Instant startedAt;
  private final Map<String, Heartbeat> heartbeats = new ConcurrentHashMap<>();
  private ScheduledFuture<?> monitor;

  private record Heartbeat(String leaseRenew, String readyHeartbeat, Instant observedAt) {}

  public NodeLifecycleController(LoopContext ctx, Duration gracePeriod) {
    this.ctx = ctx;
    this.client = ctx.client();
    this.nodes = ctx.informers().lister(Node.class);
    this.leases = ctx.informers().lister(Lease.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("node-controller");
    this.clock = ctx.clock();
    this.gracePeriod = gracePeriod;
    this.startedAt = clock.instant();
    this.controller = ctx.controller("nodelifecycle", this::sync, 1);
    ctx.informers()
        .get(Node.class)
        .addEventHandler(
            Handlers.of(
                n -> controller.enqueue(n.getMetadata().getName()),
                (o, n) -> controller.enqueue(n.getMetadata().getName()),
                n -> heartbeats.remove(n.getMetadata().getName())));
    ctx.informers()
        .get(Lease.class)
        .addEventHandler(
            Handlers.any(
                l -> {
                  if (LEASE_NAMESPACE.equals(l.getMetadata().getNamespace())) {
                    controller.enqueue(l.getMetadata().getName());
                  }
                }));
  }

  public Controller controller() {
    return controller;
  }

  /** Starts the periodic health check (every 5 s, like upstream's node monitor period). */
  public void startMonitor() {
    monitor =
        ctx.delays()
            .scheduleWithFixedDelay(
                () -> {
                  for (Node n : nodes.list()) {
                    controller.enqueue(n.getMetadata().getName());
                  }
                },
                5,
                5,
                TimeUnit.SECONDS);
  }

  Optional<Duration> sync(String name) {
    Node node = nodes.get(name);
    if (node == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant lastSeen = observeHeartbeat(node, now);
    if (Duration.between(lastSeen, now).compareTo(gracePeriod) > 0) {
      node = markUnknown(node, now);
    }
    String ready = conditionStatus(node, "Ready");
    node = reconcileTaints(node, ready, now);
    if (!"True".equals(ready)) {
      markPodsNotReady(node);
    }
    Optional<Duration> next = evict(node, now);
    Duration untilStale = gracePeriod.minus(Duration.between(lastSeen, now)).plusSeconds(1);
    if (!untilStale.isNegative() && (next.isEmpty() || untilStale.compareTo(next.get()) < 0)) {
      next = Optional.of(untilStale);
    }
    return next;
  }

  /** Returns when this server last saw the node's heartbeat change (start time if never). */
  private Instant observeHeartbeat(Node node, Instant now) {
    String name = node.getMetadata().getName();
    Lease lease = leases.get(Keys.of(LEASE_NAMESPACE, name));
    String renew =
        lease == null || lease.getSpec() == null
            ? null
            : lease.getSpec().getRenewTime() == null
                ? null
                : lease.getSpec().getRenewTime().toString();
    NodeCondition readyCond = condition(node, "Ready");
    String hb = readyCond == null ? null : readyCond.getLastHeartbeatTime();
    Heartbeat prev = heartbeats.get(name);
    if (prev == null) {
      // First sight: give the node a full grace period from now (or from our start).
      Heartbeat h = new Heartbeat(renew, hb, now.isAfter(startedAt) ? now : startedAt);
      heartbeats.put(name, h);
      return h.observedAt();
    }
    if (!Objects.equals(prev.leaseRenew(), renew) || !Objects.equals(prev.readyHeartbeat(), hb)) {
      heartbeats.put(name, new Heartbeat(renew, hb, now));
      return now;
    }
    return prev.observedAt();
  }

  private Node markUnknown(Node node, Instant now) {
    boolean changed = false;
    Node copy = client.getKubernetesSerialization().clone(node);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
    }
    List<NodeCondition> conditions =
        copy.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getStatus().getConditions());
    for (String type : CONDITIONS) {
      NodeCondition c = null;
      for (NodeCondition x : conditions) {
        if (type.equals(x.getType())) {
          c = x;
        }
      }
      if (c == null) {
        conditions.add(
            new NodeConditionBuilder()
                .withType(type)
                .withStatus("Unknown")
                .withReason("NodeStatusNeverUpdated")
                .withMessage("Kubelet never posted node status.")
                .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                .withLastTransitionTime(Times.format(now))
                .build());
        changed = true;
      } else if (!"Unknown".equals(c.getStatus())) {
        c.setStatus("Unknown");
        c.setReason("NodeStatusUnknown");
        c.setMessage("Kubelet stopped posting node status.");
        c.setLastTransitionTime(Times.format(now));
        changed = true;
      }
    }
    if (!changed) {
      return node;
    }
    copy.getStatus().setConditions(conditions);
    Node updated = client.nodes().resource(copy).updateStatus();
    events.normal(
        node,
        "NodeNotReady",
        "Node " + node.getMetadata().getName() + " status is now: NodeNotReady");
    return updated;
  }

  private Node reconcileTaints(Node node, String ready, Instant now) {
    List<Taint> current =
        io.kuark.server.controller.runtime.Nodes.spec(node).getTaints() == null
            ? List.of()
            : io.kuark.server.controller.runtime.Nodes.spec(node).getTaints();
    List<Taint> wanted = new ArrayList<>();
    for (Taint t : current) {
      String k = t.getKey();
      if (!NoExecuteEviction.NOT_READY.equals(k)
          && !NoExecuteEviction.UNREACHABLE.equals(k)
          && !UNSCHEDULABLE.equals(k)
          && !CONDITION_TAINTS.containsValue(k)) {
        wanted.add(t);
      }
    }
    // Upstream's TaintNodesByCondition: a node may not change its own taints (NodeRestriction), so
    // the pressure conditions the agent reports become NoSchedule taints here.
    for (Map.Entry<String, String> c : CONDITION_TAINTS.entrySet()) {
      if ("True".equals(conditionStatus(node, c.getKey()))) {
        wanted.add(keep(current, c.getValue(), "NoSchedule", null));
      }
    }
    String key =
        "False".equals(ready)
            ? NoExecuteEviction.NOT_READY
            : "True".equals(ready) ? null : NoExecuteEviction.UNREACHABLE;
    if (key != null) {
      wanted.add(keep(current, key, "NoSchedule", null));
      wanted.add(keep(current, key, "NoExecute", Times.format(now)));
    }
    if (Boolean.TRUE.equals(
        io.kuark.server.controller.runtime.Nodes.spec(node).getUnschedulable())) {
      wanted.add(keep(current, UNSCHEDULABLE, "NoSchedule", null));
    }
    if (sameTaints(current, wanted)) {
      return node;
    }
    Node copy = client.getKubernetesSerialization().clone(node);
    io.kuark.server.controller.runtime.Nodes.writableSpec(copy).setTaints(wanted);
    return client.nodes().resource(copy).update();
  }

  /** The existing taint with key and effect (keeping its timeAdded), or a new one. */
  private static Taint keep(List<Taint> current, String key, String effect, String timeAdded) {
    for (Taint t : current) {
      if (key.equals(t.getKey()) && effect.equals(t.getEffect())) {
        return t;
      }
    }
    return new Taint(effect, key, timeAdded, null);
  }

  private static boolean sameTaints(List<Taint> a, List<Taint> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Taint t : b) {
      boolean found = false;
      for (Taint u : a) {
        if (Objects.equals(t.getKey(), u.getKey())
            && Objects.equals(t.getEffect(), u.getEffect())
            && Objects.equals(t.getValue(), u.getValue())) {
          found = true;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private List<Pod> podsOn(String node) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods.list()) {
      if (node.equals(p.getSpec().getNodeName()) && !Pods.isTerminal(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private void markPodsNotReady(Node node) {
    for (Pod p : podsOn(node.getMetadata().getName())) {
      PodCondition c = Pods.condition(p, "Ready");
      if (c == null || !"True".equals(c.getStatus())) {
        continue;
      }
      Pod copy = client.getKubernetesSerialization().clone(p);
      for (PodCondition x : copy.getStatus().getConditions()) {
        if ("Ready".equals(x.getType())) {
          x.setStatus("False");
          x.setLastTransitionTime(Times.now(clock));
        }
      }
      try {
        client.pods().inNamespace(p.getMetadata().getNamespace()).resource(copy).updateStatus();
        events.warning(p, "NodeNotReady", "Node is not ready");
      } catch (KubernetesClientException e) {
        // The pod changed meanwhile; the next pass sees it again.
      }
    }
  }

  private Optional<Duration> evict(Node node, Instant now) {
    List<Taint> taints =
        io.kuark.server.controller.runtime.Nodes.spec(node).getTaints() == null
            ? List.of()
            : io.kuark.server.controller.runtime.Nodes.spec(node).getTaints();
    Optional<Duration> next = Optional.empty();
    for (Pod p : podsOn(node.getMetadata().getName())) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<Instant> at = NoExecuteEviction.evictionTime(p, taints, now);
      if (at.isEmpty()) {
        continue;
      }
      if (!at.get().isAfter(now)) {
        try {
          client
              .pods()
              .inNamespace(p.getMetadata().getNamespace())
              .withName(p.getMetadata().getName())
              .delete();
          events.normal(p, "TaintManagerEviction", "Marking for deletion Pod " + Keys.of(p));
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      } else {
        Duration wait = Duration.between(now, at.get());
        if (next.isEmpty() || wait.compareTo(next.get()) < 0) {
          next = Optional.of(wait);
        }
      }
    }
    return next;
  }

  private static NodeCondition condition(Node node, String type) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  private static String conditionStatus(Node node, String type) {
    NodeCondition c = condition(node, type);
    return c == null ? "Unknown" : c.getStatus();
  }

  @Override
  public void close() {
    if (monitor != null) {
      monitor.cancel(false);
    }
  }
}
