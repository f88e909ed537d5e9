package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The size of a memory-backed volume's tmpfs, by kubelet's rules for a {@code medium: Memory}
 * emptyDir (which its secret, projected and downwardAPI volumes wrap): the node's allocatable
 * memory, or the pod's memory limit when that is set and not larger. Without a size the kernel's
 * default applies (half the machine's memory). The pages count against the memory of the cgroup
 * that writes them, so a pod cannot use the volume to grow past its limit.
 */
final class MemoryVolumeSize {

  private MemoryVolumeSize() {}

  /**
   * The tmpfs size in bytes for {@code pod}'s memory volume on a node with {@code allocatable}
   * resources: as {@link #bytes(Pod, Map)}, or the emptyDir's {@code sizeLimit} when it is set and
   * not larger (kubelet's rule: the volume never promises more than the pod could use).
   */
  static OptionalLong bytes(Pod pod, Map<String, Quantity> allocatable, Quantity sizeLimit) {
    OptionalLong forPod = bytes(pod, allocatable);
    OptionalLong volume = bytes(sizeLimit);
    if (volume.isPresent()
        && volume.getAsLong() > 0
        && (forPod.isEmpty() || volume.getAsLong() <= forPod.getAsLong())) {
      return volume;
    }
    return forPod;
  }

  /**
   * The tmpfs size in bytes for {@code pod}'s memory volumes on a node with {@code allocatable}
   * resources; empty when neither is known.
   */
  static OptionalLong bytes(Pod pod, Map<String, Quantity> allocatable) {
    OptionalLong node = bytes(allocatable == null ? null : allocatable.get("memory"));
    OptionalLong limit = podMemoryLimit(pod);
    if (limit.isPresent()
        && limit.getAsLong() > 0
        && (node.isEmpty() || limit.getAsLong() <= node.getAsLong())) {
      return limit;
    }
    return node.isPresent() && node.getAsLong() > 0 ? node : OptionalLong.empty();
  }

  /**
   * The pod's memory limit as kubelet sizes the pod cgroup: only when every container declares one;
   * the app containers and sidecars (restartable init containers) run together, each plain init
   * container runs with the sidecars started before it; the pod's overhead comes on top.
   */
  static OptionalLong podMemoryLimit(Pod pod) {
    List<Container> inits = pod.getSpec().getInitContainers();
    long sidecars = 0;
    long initPeak = 0;
    if (inits != null) {
      for (Container init : inits) {
        OptionalLong limit = limit(init);
        if (limit.isEmpty()) {
          return OptionalLong.empty();
        }
        if ("Always".equals(init.getRestartPolicy())) {
          sidecars += limit.getAsLong();
          initPeak = Math.max(initPeak, sidecars);
        } else {
          initPeak = Math.max(initPeak, sidecars + limit.getAsLong());
        }
      }
    }
    long apps = sidecars;
    for (Container container : pod.getSpec().getContainers()) {
      OptionalLong limit = limit(container);
      if (limit.isEmpty()) {
        return OptionalLong.empty();
      }
      apps += limit.getAsLong();
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    long extra = bytes(overhead == null ? null : overhead.get("memory")).orElse(0);
    return OptionalLong.of(Math.max(apps, initPeak) + extra);
  }

  private static OptionalLong limit(Container container) {
    if (container.getResources() == null || container.getResources().getLimits() == null) {
      return OptionalLong.empty();
    }
    return bytes(container.getResources().getLimits().get("memory"));
  }

  private static OptionalLong bytes(Quantity quantity) {
    return quantity == null
        ? OptionalLong.empty()
        : OptionalLong.of(quantity.getNumericalAmount().longValue());
  }
}
