package io.kuark.server.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node with the pods the scheduler believes run on it (bound or assumed) and their summed
 * requests. Owned by the scheduler cache; plugins only read it.
 */
public final class NodeInfo {
  private Node node;
  private Resources allocatable = new Resources();
  private long allowedPods = 110;
  private final Map<String, PodInfo> pods = new LinkedHashMap<>();
  private final Resources requested = new Resources();
  private long nonZeroMilliCpu;
  private long nonZeroMemory;

  public NodeInfo(Node node) {
    setNode(node);
  }

  public void setNode(Node node) {
    this.node = node;
    if (node == null || node.getStatus() == null) {
      return;
    }
    Map<String, Quantity> alloc = node.getStatus().getAllocatable();
    if (alloc == null || alloc.isEmpty()) {
      alloc = node.getStatus().getCapacity();
    }
    allocatable = Resources.of(alloc);
    Quantity pods = alloc == null ? null : alloc.get("pods");
    allowedPods = pods == null ? 110 : Resources.whole(pods);
  }

  public Node node() {
    return node;
  }

  public String name() {
    return node.getMetadata().getName();
  }

  public Resources allocatable() {
    return allocatable;
  }

  public long allowedPods() {
    return allowedPods;
  }

  public Resources requested() {
    return requested;
  }

  public long nonZeroMilliCpu() {
    return nonZeroMilliCpu;
  }

  public long nonZeroMemory() {
    return nonZeroMemory;
  }

  public int podCount() {
    return pods.size();
  }

  public List<PodInfo> pods() {
    return new ArrayList<>(pods.values());
  }

  /** Adds a pod keyed by uid (or namespace/name when there is no uid). */
  public void addPod(String id, PodInfo p) {
    PodInfo old = pods.put(id, p);
    if (old != null) {
      subtract(old);
    }
    requested.add(p.requests);
    nonZeroMilliCpu += p.nonZeroMilliCpu;
    nonZeroMemory += p.nonZeroMemory;
  }

  public void removePod(String id) {
    PodInfo old = pods.remove(id);
    if (old != null) {
      subtract(old);
    }
  }

  private void subtract(PodInfo p) {
    requested.subtract(p.requests);
    nonZeroMilliCpu -= p.nonZeroMilliCpu;
    nonZeroMemory -= p.nonZeroMemory;
  }

  /** True when any pod here uses a host port that conflicts with {@code want}. */
  public boolean portInUse(PodInfo.HostPort want) {
    for (PodInfo p : pods.values()) {
      for (PodInfo.HostPort used : p.hostPorts) {
        if (used.port() == want.port()
            && used.protocol().equals(want.protocol())
            && (used.hostIp().equals(want.hostIp())
                || used.hostIp().equals("0.0.0.0")
                || want.hostIp().equals("0.0.0.0"))) {
          return true;
        }
      }
    }
    return false;
  }
}
