package io.kuark.server.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod with what scheduling needs precomputed: its effective requests (upstream's
 * computePodResourceRequest: containers plus sidecars, the largest init container, plus overhead),
 * the non-zero requests used for scoring, and its host ports.
 */
public final class PodInfo {
  /**
   * Scoring defaults for containers that request nothing (upstream's
   * DefaultMilliCPURequest/DefaultMemoryRequest).
   */
  public static final long DEFAULT_MILLI_CPU = 100;

  public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

  public final Pod pod;
  public final Resources requests;
  public final long nonZeroMilliCpu;
  public final long nonZeroMemory;
  public final List<HostPort> hostPorts;

  /** One requested host port. */
  public record HostPort(String protocol, String hostIp, int port) {}

  public PodInfo(Pod pod) {
    this.pod = pod;
    Resources regular = new Resources();
    long nzCpu = 0;
    long nzMem = 0;
    List<Container> containers =
        pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    for (Container c : containers) {
      Resources r = requestsOf(c.getResources());
      regular.add(r);
      nzCpu +=
          r.milliCpu == 0 && !hasRequest(c.getResources(), "cpu") ? DEFAULT_MILLI_CPU : r.milliCpu;
      nzMem += r.memory == 0 && !hasRequest(c.getResources(), "memory") ? DEFAULT_MEMORY : r.memory;
    }
    Resources total = regular;
    if (pod.getSpec().getInitContainers() != null) {
      Resources sidecars = new Resources();
      Resources initMax = new Resources();
      for (Container c : pod.getSpec().getInitContainers()) {
        Resources r = requestsOf(c.getResources());
        if ("Always".equals(c.getRestartPolicy())) {
          // A sidecar keeps running next to everything that starts after it.
          sidecars.add(r);
          total.add(r);
          initMax.max(sidecars);
        } else {
          Resources during = sidecars.copy();
          during.add(r);
          initMax.max(during);
        }
      }
      total.max(initMax);
    }
    if (pod.getSpec().getOverhead() != null) {
      Resources overhead = Resources.of(pod.getSpec().getOverhead());
      total.add(overhead);
      nzCpu += overhead.milliCpu;
      nzMem += overhead.memory;
    }
    this.requests = total;
    this.nonZeroMilliCpu = Math.max(nzCpu, total.milliCpu);
    this.nonZeroMemory = Math.max(nzMem, total.memory);
    List<HostPort> ports = new ArrayList<>();
    for (Container c : containers) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
          String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
          ports.add(new HostPort(proto, ip, p.getHostPort()));
        }
      }
    }
    this.hostPorts = ports;
  }

  private static boolean hasRequest(ResourceRequirements r, String name) {
    return r != null && r.getRequests() != null && r.getRequests().containsKey(name);
  }

  private static Resources requestsOf(ResourceRequirements r) {
    return r == null ? new Resources() : Resources.of(r.getRequests());
  }

  /** The cache key of a pod: its uid, or namespace/name when it has none. */
  public static String id(Pod pod) {
    String uid = pod.getMetadata().getUid();
    return uid != null ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  public String id() {
    return id(pod);
  }

  /** {@code spec.priority}, 0 when unset (as upstream's PodPriority). */
  public int priority() {
    return priority(pod);
  }

  public static int priority(Pod pod) {
    Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    return p == null ? 0 : p;
  }

  public String key() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
