package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.kuark.agent.runtime.ContainerLaunch.Resources;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps container resources to cgroup settings as kubelet does (cpu.shares from the CPU request,
 * minimum 2; CFS quota from the CPU limit with a 100 ms period, minimum 1 ms; memory limit in
 * bytes) and computes the pod's QoS class.
 */
public final class ResourceMapping {

  static final long CPU_PERIOD = 100_000L;

  private ResourceMapping() {}

  public static Resources resources(Container container) {
    ResourceRequirements requirements = container.getResources();
    Map<String, Quantity> requests = requirements == null ? null : requirements.getRequests();
    Map<String, Quantity> limits = requirements == null ? null : requirements.getLimits();
    Long memory = bytes(limits, "memory");
    Long cpuRequestMilli = milli(requests, "cpu");
    Long cpuLimitMilli = milli(limits, "cpu");
    if (cpuRequestMilli == null && cpuLimitMilli != null) {
      cpuRequestMilli = cpuLimitMilli; // the API defaults requests to limits
    }
    Long shares = cpuRequestMilli == null ? 2L : Math.max(2L, cpuRequestMilli * 1024L / 1000L);
    Long quota = cpuLimitMilli == null ? null : Math.max(1000L, cpuLimitMilli * CPU_PERIOD / 1000L);
    return new Resources(memory, shares, quota, quota == null ? null : CPU_PERIOD);
  }

  /** Guaranteed, Burstable or BestEffort, by the upstream rules over cpu and memory. */
  public static String qosClass(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    boolean anySet = false;
    boolean guaranteed = true;
    for (Container container : all) {
      ResourceRequirements r = container.getResources();
      Map<String, Quantity> requests = r == null ? null : r.getRequests();
      Map<String, Quantity> limits = r == null ? null : r.getLimits();
      for (String resource : new String[] {"cpu", "memory"}) {
        Quantity request = requests == null ? null : requests.get(resource);
        Quantity limit = limits == null ? null : limits.get(resource);
        if (request != null || limit != null) {
          anySet = true;
        }
        if (limit == null) {
          guaranteed = false;
        } else if (request != null
            && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!anySet) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static Long bytes(Map<String, Quantity> values, String name) {
    Quantity q = values == null ? null : values.get(name);
    return q == null ? null : q.getNumericalAmount().longValue();
  }

  private static Long milli(Map<String, Quantity> values, String name) {
    Quantity q = values == null ? null : values.get(name);
    if (q == null) {
      return null;
    }
    return q.getNumericalAmount()
        .multiply(BigDecimal.valueOf(1000))
        .setScale(0, java.math.RoundingMode.CEILING)
        .longValue();
  }
}
