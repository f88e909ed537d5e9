package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's view of nodes and the pods on them: bound pods from the informer plus pods it has
 * assumed (decided, binding in flight). Assumed pods count against their node until the informer
 * shows them bound or the binding fails. Not thread-safe: callers synchronize on it.
 */
public final class SchedulerCache {
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();

  /** pod uid → node name, for bound and assumed pods. */
  private final Map<String, String> podNodes = new HashMap<>();

  private final Map<String, Boolean> assumed = new HashMap<>();

  /**
   * Pending pods that preempted others, by id, with the node they wait for ({@code
   * status.nominatedNodeName}): they reserve room there against pods of lower priority.
   */
  private final Map<String, Nominated> nominated = new HashMap<>();

  private record Nominated(PodInfo pod, String node) {}

  private static final String NOMINATED_PREFIX = "nominated/";

  public void upsertNode(Node node) {
    NodeInfo info = nodes.get(node.getMetadata().getName());
    if (info == null) {
      nodes.put(node.getMetadata().getName(), new NodeInfo(node));
    } else {
      info.setNode(node);
    }
  }

  public void removeNode(String name) {
    NodeInfo info = nodes.get(name);
    if (info == null) {
      return;
    }
    if (info.podCount() == 0) {
      nodes.remove(name);
    } else {
      // Keep the pods' accounting until they go; a re-registered node sees them.
      info.setNode(null);
    }
  }

  /** Records a pod the informer shows bound to a node (confirms an assumed one). */
  public void addBoundPod(Pod pod) {
    String uid = id(pod);
    String node = pod.getSpec().getNodeName();
    String previous = podNodes.get(uid);
    if (previous != null && !previous.equals(node)) {
      info(previous).removePod(uid);
    }
    info(node).addPod(uid, new PodInfo(pod));
    podNodes.put(uid, node);
    assumed.remove(uid);
    nominated.remove(uid);
  }

  public void removePod(Pod pod) {
    String uid = id(pod);
    nominated.remove(uid);
    String node = podNodes.remove(uid);
    assumed.remove(uid);
    if (node != null) {
      NodeInfo info = nodes.get(node);
      if (info != null) {
        info.removePod(uid);
        if (info.node() == null && info.podCount() == 0) {
          nodes.remove(node);
        }
      }
    }
  }

  /** Records that pending {@code pod} waits for {@code node} (empty or null node: no longer). */
  public void nominate(Pod pod, String node) {
    if (node == null || node.isEmpty()) {
      nominated.remove(id(pod));
    } else {
      nominated.put(id(pod), new Nominated(new PodInfo(pod), node));
    }
  }

  /** The node {@code pod} is nominated to, or null. */
  public String nominatedNode(Pod pod) {
    Nominated n = nominated.get(id(pod));
    return n == null ? null : n.node();
  }

  /** Pending pods nominated to {@code node}. */
  public List<PodInfo> nominatedOn(String node) {
    List<PodInfo> out = new ArrayList<>();
    for (Nominated n : nominated.values()) {
      if (n.node().equals(node)) {
        out.add(n.pod());
      }
    }
    return out;
  }

  /**
   * Counts the nominated pods of priority at least {@code pod}'s (other than itself) against their
   * nodes for one scheduling cycle, as upstream's filters see them, so a lower-priority pod cannot
   * take the room a preemption freed. Returns what undoes it; call it before releasing the lock.
   */
  public Runnable addNominatedPods(PodInfo pod) {
    if (nominated.isEmpty()) {
      return () -> {};
    }
    List<String[]> added = new ArrayList<>();
    String self = pod.id();
    for (Map.Entry<String, Nominated> e : nominated.entrySet()) {
      Nominated n = e.getValue();
      NodeInfo info = nodes.get(n.node());
      if (e.getKey().equals(self) || info == null || n.pod().priority() < pod.priority()) {
        continue;
      }
      String key = NOMINATED_PREFIX + e.getKey();
      info.addPod(key, n.pod());
      added.add(new String[] {n.node(), key});
    }
    return () -> {
      for (String[] a : added) {
        NodeInfo info = nodes.get(a[0]);
        if (info != null) {
          info.removePod(a[1]);
        }
      }
    };
  }

  /** Counts {@code pod} against {@code node} before the binding is visible. */
  public void assume(PodInfo pod, String node) {
    String uid = id(pod.pod);
    nominated.remove(uid);
    info(node).addPod(uid, pod);
    podNodes.put(uid, node);
    assumed.put(uid, Boolean.TRUE);
  }

  /** Drops an assumption after a failed binding. */
  public void forget(Pod pod) {
    String uid = id(pod);
    if (assumed.remove(uid) != null) {
      String node = podNodes.remove(uid);
      if (node != null && nodes.containsKey(node)) {
        nodes.get(node).removePod(uid);
      }
    }
  }

  public boolean isAssumedOrBound(Pod pod) {
    return podNodes.containsKey(id(pod));
  }

  /**
   * Nodes known by their Node object, in insertion order; live objects, valid while the lock is
   * held.
   */
  public List<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>(nodes.size());
    for (NodeInfo n : nodes.values()) {
      if (n.node() != null) {
        out.add(n);
      }
    }
    return out;
  }

  private NodeInfo info(String node) {
    return nodes.computeIfAbsent(node, n -> new NodeInfo(null));
  }

  private static String id(Pod pod) {
    return PodInfo.id(pod);
  }
}
