package io.kuark.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.network.dns.ClusterDns;
import io.kuark.agent.network.dns.HostResolvers;
import io.kuark.agent.network.dns.InformerClusterView;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Wires the node-local cluster DNS into the agent: informers, upstreams, the host link holding the
 * cluster DNS address, the server. A DNS failure is logged, never fatal: pods still run without
 * cluster names.
 */
final class AgentDns implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentDns.class);

  private final InformerClusterView view;
  private final Netlink netlink;
  private final ClusterDns dns;

  private AgentDns(InformerClusterView view, Netlink netlink, ClusterDns dns) {
    this.view = view;
    this.netlink = netlink;
    this.dns = dns;
  }

  /** Starts DNS in the host network namespace; null (after logging why) if it cannot. */
  static AgentDns start(KubernetesClient client, AgentConfig config) {
    InformerClusterView view = new InformerClusterView(client);
    Netlink netlink = null;
    try {
      InetAddress address = InetAddress.getByName(config.clusterDns());
      List<InetSocketAddress> upstreams = upstreams(config, address);
      view.start();
      netlink = Linux.get().netlink();
      ClusterDns dns =
          ClusterDns.start(
              view,
              new ClusterDns.Settings(
                  config.clusterDomain(), address, config.dns().port(), upstreams),
              netlink,
              config.dns().link(),
              config.dns().removeLinkOnStop());
      LOG.infof(
          "cluster DNS for %s on %s:%d (link %s), upstreams %s",
          config.clusterDomain(),
          config.clusterDns(),
          dns.udpPort(),
          config.dns().link(),
          upstreams);
      return new AgentDns(view, netlink, dns);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "cluster DNS not started");
    }
    view.close();
    if (netlink != null) {
      netlink.close();
    }
    return null;
  }

  /** {@code --dns-upstream}, else the host's resolv.conf; never the cluster DNS address itself. */
  private static List<InetSocketAddress> upstreams(AgentConfig config, InetAddress self)
      throws IOException {
    List<InetSocketAddress> configured =
        config.dns().upstreams().isBlank()
            ? HostResolvers.fromResolvConf(Path.of("/etc/resolv.conf"))
            : HostResolvers.parse(config.dns().upstreams());
    List<InetSocketAddress> result = new ArrayList<>();
    for (InetSocketAddress upstream : configured) {
      if (!upstream.getAddress().equals(self)) {
        result.add(upstream);
      }
    }
    return result;
  }

  @Override
  public void close() {
    dns.close();
    view.close();
    netlink.close();
  }
}
