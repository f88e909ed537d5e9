package io.kuark.agent.network.proxy;

import java.nio.file.Path;
import java.util.List;

/**
 * What the service proxy needs to know about its node.
 *
 * @param table name of the nftables table (family {@code ip}) the proxy owns
 * @param nodeName this node; endpoints with this {@code nodeName} are local
 * @param nodeIps the node's InternalIP addresses: LoadBalancer services answer there
 * @param clusterCidr pod network; traffic to a ClusterIP from outside it is masqueraded
 * @param clusterDns the cluster DNS address; the Service with this ClusterIP is served node-locally
 *     and gets no rules
 * @param localhostNodePorts whether NodePorts also answer on 127.0.0.0/8 (needs {@code
 *     route_localnet}, which the proxy then sets)
 * @param netns network namespace (pinned path) to program instead of the caller's, or null
 * @param serviceCidr the service range: new connections to an address there that no Service has are
 *     rejected; null to leave such traffic alone
 */
public record ProxyConfig(
    String table,
    String nodeName,
    List<String> nodeIps,
    String clusterCidr,
    String clusterDns,
    boolean localhostNodePorts,
    Path netns,
    String serviceCidr) {

  public ProxyConfig {
    if (!table.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
      throw new IllegalArgumentException("not a usable nftables table name: " + table);
    }
    nodeIps = List.copyOf(nodeIps);
  }

  /** A proxy that leaves unallocated service addresses alone. */
  public ProxyConfig(
      String table,
      String nodeName,
      List<String> nodeIps,
      String clusterCidr,
      String clusterDns,
      boolean localhostNodePorts,
      Path netns) {
    this(table, nodeName, nodeIps, clusterCidr, clusterDns, localhostNodePorts, netns, null);
  }
}
