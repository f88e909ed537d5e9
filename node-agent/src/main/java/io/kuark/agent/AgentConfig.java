package io.kuark.agent;

import io.kuark.agent.network.routes.PodNetworkMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the agent is told on its command line. Every path and port is configurable so that
 * several agents (and tests) run side by side.
 *
 * @param kubeconfig kubeconfig used to reach the API server (the only way the agent talks to it)
 * @param nodeName name of the Node object this agent registers and whose pods it runs
 * @param nodeIp InternalIP address reported for the node, also the pods' hostIP
 * @param dataDir base data directory; agent state lives in {@code dataDir/agent}
 * @param runDir runtime directory; pod network namespaces live in {@code runDir/netns/<pod-uid>}
 * @param podLogDir root of the CRI-format container log files
 * @param cniConfDir directory holding the CNI network configuration
 * @param cniBinDirs directories searched for CNI plugin executables, in order
 * @param port agent API port (0: ephemeral), reported as the kubelet endpoint
 * @param clusterCidr pod network of the cluster (gets a host blackhole route)
 * @param serviceCidr service network of the cluster (gets a host blackhole route)
 * @param keepPods when true, pods keep running after the agent stops
 * @param cgroupParent cgroup parent (relative to each hierarchy root) for all pod cgroups
 * @param cniBridgePluginType plugin type written into the default CNI configuration
 * @param clusterDns name server written to the pods' resolv.conf
 * @param clusterDomain cluster DNS domain
 * @param dns the node-local cluster DNS server
 * @param proxy service proxy settings
 * @param podNetworkMode how this node routes to other nodes' pod CIDRs
 * @param insecureRegistries registries (host[:port]) pulled from over plain HTTP besides loopback
 * @param node node-local housekeeping: static pods, eviction, log rotation
 * @param join {@code --server}/{@code --token}: join with a join token (then {@code kubeconfig} is
 *     null), or null to use {@code --kubeconfig}
 */
public record AgentConfig(
    Path kubeconfig,
    String nodeName,
    String nodeIp,
    Path dataDir,
    Path runDir,
    Path podLogDir,
    Path cniConfDir,
    List<Path> cniBinDirs,
    int port,
    String clusterCidr,
    String serviceCidr,
    boolean keepPods,
    String cgroupParent,
    String cniBridgePluginType,
    String clusterDns,
    String clusterDomain,
    DnsFlags dns,
    Proxy proxy,
    PodNetworkMode podNetworkMode,
    List<String> insecureRegistries,
    Housekeeping node,
    io.kuark.agent.join.JoinFlags join) {

  /**
   * Node-local housekeeping, with kubelet's flag names and defaults.
   *
   * @param podManifestPath directory of static pod manifests
   * @param evictionHard hard eviction thresholds ({@code signal<value,...}), validated
   * @param evictionPressureTransitionPeriod how long a pressure condition stays after it cleared
   * @param housekeepingInterval how often eviction signals are measured
   * @param syncFrequency how often a running pod is synced with its sources: ConfigMap, Secret,
   *     downward API and projected volumes brought up to date, tokens renewed (kubelet's {@code
   *     --sync-frequency})
   * @param containerLogMaxSize size at which a container log file is rotated (bytes)
   * @param containerLogMaxFiles log files kept per container, the live one included
   * @param imageGc image garbage collection thresholds and minimum age
   * @param containerGc dead containers kept (per pod container, per node) and their minimum age
   */
  public record Housekeeping(
      Path podManifestPath,
      String evictionHard,
      java.time.Duration evictionPressureTransitionPeriod,
      java.time.Duration housekeepingInterval,
      java.time.Duration syncFrequency,
      long containerLogMaxSize,
      int containerLogMaxFiles,
      io.kuark.agent.image.gc.ImageGcPolicy imageGc,
      io.kuark.agent.pod.gc.ContainerGcPolicy containerGc) {}

  /**
   * Service proxy settings.
   *
   * @param table nftables table (family ip) the proxy owns
   * @param localhostNodePorts NodePorts and LoadBalancer ports also answer on 127.0.0.1 (sets
   *     {@code net.ipv4.conf.all.route_localnet=1})
   * @param cleanupOnStop remove the table when the agent stops (default: keep it, pods stay
   *     reachable across an agent restart)
   */
  public record Proxy(String table, boolean localhostNodePorts, boolean cleanupOnStop) {}

  /** The same configuration with the agent API port replaced (the port actually bound). */
  public AgentConfig withPort(int boundPort) {
    return new AgentConfig(
        kubeconfig,
        nodeName,
        nodeIp,
        dataDir,
        runDir,
        podLogDir,
        cniConfDir,
        cniBinDirs,
        boundPort,
        clusterCidr,
        serviceCidr,
        keepPods,
        cgroupParent,
        cniBridgePluginType,
        clusterDns,
        clusterDomain,
        dns,
        proxy,
        podNetworkMode,
        insecureRegistries,
        node,
        join);
  }

  /** Agent state: {@code dataDir/agent}. */
  public Path agentDir() {
    return dataDir.resolve("agent");
  }

  /** Where air-gap image archives are dropped to be imported at start. */
  public Path imageDropDir() {
    return agentDir().resolve("images");
  }

  /** runc's state root. */
  public Path runcRoot() {
    return agentDir().resolve("runc");
  }

  /** Directory holding the network namespace files of pods. */
  public Path netnsDir() {
    return runDir.resolve("netns");
  }
}
