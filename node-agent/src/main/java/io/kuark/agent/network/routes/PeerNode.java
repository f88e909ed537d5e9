package io.kuark.agent.network.routes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.kuark.cni.config.IpNet;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the route programming needs to know about one Node.
 *
 * @param name Node name
 * @param internalIps the node's InternalIP addresses, in the order the Node lists them
 * @param podCidrs the node's pod CIDRs ({@code spec.podCIDRs}, else {@code spec.podCIDR})
 * @param vtepMac the node's VXLAN endpoint MAC ({@link #VTEP_MAC_ANNOTATION}), or null
 */
public record PeerNode(
    String name, List<InetAddress> internalIps, List<IpNet> podCidrs, String vtepMac) {

  /** Annotation in which an agent in VXLAN mode publishes its VTEP's MAC address. */
  public static final String VTEP_MAC_ANNOTATION = "kuark.io/vtep-mac";

  public PeerNode {
    internalIps = List.copyOf(internalIps);
    podCidrs = List.copyOf(podCidrs);
  }

  /**
   * Reads a Node. Unparseable addresses and CIDRs are dropped (a Node written by someone else must
   * not stop route programming for the others).
   */
  public static PeerNode from(Node node) {
    List<InetAddress> ips = new ArrayList<>();
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      for (NodeAddress address : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(address.getType()) && address.getAddress() != null) {
          try {
            ips.add(IpNet.parseIp(address.getAddress()));
          } catch (IllegalArgumentException e) {
            // not an IP literal: ignored
          }
        }
      }
    }
    List<String> texts = new ArrayList<>();
    if (node.getSpec() != null) {
      if (node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()) {
        texts.addAll(node.getSpec().getPodCIDRs());
      } else if (node.getSpec().getPodCIDR() != null) {
        texts.add(node.getSpec().getPodCIDR());
      }
    }
    List<IpNet> cidrs = new ArrayList<>();
    for (String text : texts) {
      try {
        cidrs.add(IpNet.parse(text).canonical());
      } catch (IllegalArgumentException e) {
        // not a CIDR: ignored
      }
    }
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    String mac = annotations == null ? null : annotations.get(VTEP_MAC_ANNOTATION);
    return new PeerNode(node.getMetadata().getName(), ips, cidrs, mac);
  }

  /** The first InternalIP of the same family as {@code cidr}. */
  public Optional<InetAddress> internalIpFor(IpNet cidr) {
    for (InetAddress ip : internalIps) {
      if ((ip instanceof Inet4Address) == cidr.isV4()) {
        return Optional.of(ip);
      }
    }
    return Optional.empty();
  }

  /** The IPv4 pod CIDRs (the VXLAN overlay carries IPv4 only). */
  public List<IpNet> podCidrsV4() {
    List<IpNet> out = new ArrayList<>();
    for (IpNet cidr : podCidrs) {
      if (cidr.isV4()) {
        out.add(cidr);
      }
    }
    return out;
  }
}
