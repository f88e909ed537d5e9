package io.kuark.agent.network.routes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.AgentConfig;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.net.InetAddress;
import org.jboss.logging.Logger;

/** The agent's cross-node pod routing in the host namespace: informer → manager → netlink. */
public final class PeerRouting implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PeerRouting.class);

  private final Netlink netlink;
  private final NodeRouteManager manager;
  private final NodeInformer informer;

  private PeerRouting(Netlink netlink, NodeRouteManager manager, NodeInformer informer) {
    this.netlink = netlink;
    this.manager = manager;
    this.informer = informer;
  }

  /**
   * Starts routing for {@code config.podNetworkMode()}. A node whose InternalIP is loopback (a
   * single-host test cluster) gets none: routes via 127.0.0.1 would be meaningless, and a peer
   * route out of the uplink would send pod traffic off the machine. Never throws for API trouble.
   *
   * @return the running routing, or null when there is nothing to run
   */
  public static PeerRouting start(AgentConfig config, KubernetesClient client) {
    InetAddress localIp;
    try {
      localIp = IpNet.parseIp(config.nodeIp());
    } catch (IllegalArgumentException e) {
      LOG.warnf("node IP %s is not an IP literal: no cross-node pod routes", config.nodeIp());
      return null;
    }
    if (localIp.isLoopbackAddress()) {
      LOG.infof("node IP %s is loopback: no cross-node pod routes", config.nodeIp());
      return null;
    }
    Netlink netlink = Linux.get().netlink();
    NodeRouteManager manager =
        new NodeRouteManager(
            config.podNetworkMode(),
            config.nodeName(),
            localIp,
            netlink,
            NodeInformer.annotationPublisher(client));
    LOG.infof("pod network mode %s", config.podNetworkMode().flagValue());
    return new PeerRouting(netlink, manager, NodeInformer.start(client, manager));
  }

  @Override
  public void close() {
    informer.close();
    manager.close();
    netlink.close();
  }
}
