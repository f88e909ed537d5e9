package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScorePlugin;
import java.util.List;

/**
 * Prefers nodes that already hold the pod's images ({@code node.status.images}): the sizes of the
 * present images, each scaled by the share of nodes that have it (so one node with a popular image
 * is not swamped), clamped between 23 MB and 1000 MB per container and mapped onto 0..100, as
 * upstream.
 */
public final class ImageLocality implements ScorePlugin {
  static final long MIN_THRESHOLD = 23L * 1024 * 1024;
  static final long MAX_CONTAINER_THRESHOLD = 1000L * 1024 * 1024;

  @Override
  public String name() {
    return "ImageLocality";
  }

  /** {@code busybox} → {@code docker.io/library/busybox:latest}, as the kubelet reports names. */
  static String normalize(String image) {
    String name = image;
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean hasRegistry =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!hasRegistry) {
      name = (slash < 0 ? "docker.io/library/" : "docker.io/") + name;
    }
    int lastSlash = name.lastIndexOf('/');
    if (!name.contains("@") && name.indexOf(':', lastSlash) < 0) {
      name = name + ":latest";
    }
    return name;
  }

  private static Long sizeOn(NodeInfo node, String normalized) {
    if (node.node().getStatus() == null || node.node().getStatus().getImages() == null) {
      return null;
    }
    for (ContainerImage img : node.node().getStatus().getImages()) {
      if (img.getNames() == null) {
        continue;
      }
      for (String n : img.getNames()) {
        if (normalized.equals(normalize(n))) {
          return img.getSizeBytes() == null ? 0L : img.getSizeBytes();
        }
      }
    }
    return null;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    List<Container> containers = pod.pod.getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      return 0;
    }
    int total = Math.max(1, state.allNodes().size());
    double sum = 0;
    for (Container c : containers) {
      if (c.getImage() == null) {
        continue;
      }
      String image = normalize(c.getImage());
      Long size = sizeOn(node, image);
      if (size == null) {
        continue;
      }
      int having = 0;
      for (NodeInfo n : state.allNodes()) {
        if (sizeOn(n, image) != null) {
          having++;
        }
      }
      sum += size * ((double) having / total);
    }
    long max = MAX_CONTAINER_THRESHOLD * containers.size();
    long clamped = (long) Math.max(MIN_THRESHOLD, Math.min(max, sum));
    return MAX_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
  }

  @Override
  public int weight() {
    return 1;
  }
}
