package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.network.CniResult;
import io.kuark.agent.network.NetworkPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A pod's sandbox: its network namespace at {@code RUN/netns/<uid>} attached to the pod network,
 * and its cgroup parent. Host-network pods have no sandbox namespace and use the node IP.
 */
public final class PodSandbox {

  private static final Logger LOG = Logger.getLogger(PodSandbox.class);

  private final AgentConfig config;
  private final HostKernel kernel;
  private final NetworkPlugin network;

  public PodSandbox(AgentConfig config, HostKernel kernel, NetworkPlugin network) {
    this.config = config;
    this.kernel = kernel;
    this.network = network;
  }

  public Path netns(String uid) {
    return config.netnsDir().resolve(uid);
  }

  /** Creates the namespace and runs CNI ADD; records addresses in {@code state}. */
  public void setUp(Pod pod, PodState state) throws IOException {
    setUp(pod, state, PodStartTrace.none());
  }

  /** Like {@link #setUp(Pod, PodState)}, marking its phases. */
  void setUp(Pod pod, PodState state, PodStartTrace trace) throws IOException {
    if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      state.podIps = List.of(config.nodeIp());
      state.sandboxReady = true;
      return;
    }
    String uid = pod.getMetadata().getUid();
    Path netns = netns(uid);
    kernel.createNetns(netns);
    trace.mark("netns");
    NetworkPlugin.Sandbox sandbox =
        sandbox(uid, pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    try {
      CniResult result = network.setUp(sandbox);
      state.cniResult = result.raw();
      state.podIps = result.ips();
      state.sandboxReady = true;
      trace.mark("cni");
    } catch (IOException e) {
      // Roll back so the next attempt starts clean (CNI DEL is idempotent).
      try {
        network.tearDown(sandbox, null);
      } catch (IOException ignored) {
        LOG.debugf("rollback CNI DEL for %s: %s", uid, ignored.getMessage());
      }
      kernel.deleteNetns(netns);
      throw e;
    }
  }

  /** Releases the pod network, the namespace and the pod's cgroups. Idempotent, best effort. */
  public void tearDown(String uid, String namespace, String name, PodState state) {
    Path netns = netns(uid);
    if (state == null || state.cniResult != null || Files.exists(netns)) {
      try {
        network.tearDown(sandbox(uid, namespace, name), state == null ? null : state.cniResult);
      } catch (IOException e) {
        LOG.warnf("CNI DEL for pod %s/%s: %s", namespace, name, e.getMessage());
      }
    }
    try {
      kernel.deleteNetns(netns);
    } catch (IOException e) {
      LOG.warnf("deleting netns of pod %s/%s: %s", namespace, name, e.getMessage());
    }
    removeCgroups(uid);
  }

  /** Removes {@code <parent>/pod<uid>} in every cgroup hierarchy (v1 controllers and v2). */
  void removeCgroups(String uid) {
    Path root = Path.of("/sys/fs/cgroup");
    String relative = config.cgroupParent() + "/pod" + uid;
    List<Path> candidates = new java.util.ArrayList<>();
    candidates.add(root.resolve(relative));
    try (Stream<Path> hierarchies = Files.list(root)) {
      hierarchies.forEach(h -> candidates.add(h.resolve(relative)));
    } catch (IOException e) {
      LOG.debugf("listing cgroup hierarchies: %s", e.getMessage());
    }
    for (Path dir : candidates) {
      try {
        if (Files.isDirectory(dir)) {
          // Container cgroups below were removed by runc; only the empty pod level is left.
          try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
              Files.deleteIfExists(child);
            }
          }
          Files.deleteIfExists(dir);
        }
      } catch (IOException e) {
        LOG.debugf("removing cgroup %s: %s", dir, e.getMessage());
      }
    }
  }

  private NetworkPlugin.Sandbox sandbox(String uid, String namespace, String name) {
    return new NetworkPlugin.Sandbox(uid, netns(uid), namespace, name, uid);
  }
}
