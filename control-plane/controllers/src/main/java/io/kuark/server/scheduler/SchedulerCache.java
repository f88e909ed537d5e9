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
  }

  public void removePod(Pod pod) {
    String uid = id(pod);
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

  /** Counts {@code pod} against {@code node} before the binding is visible. */
  public void assume(PodInfo pod, String node) {
    String uid = id(pod.pod);
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
    String uid = pod.getMetadata().getUid();
    return uid != null ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
