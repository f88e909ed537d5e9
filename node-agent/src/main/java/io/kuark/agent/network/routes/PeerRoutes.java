package io.kuark.agent.network.routes;

import java.util.List;
import java.util.Optional;

/** One way of reaching other nodes' pod CIDRs (a {@link PodNetworkMode}), programmed in a netns. */
interface PeerRoutes {

  /**
   * Makes the kernel match the given peers: adds or replaces what is missing or stale, removes the
   * agent's own entries for nodes that are not listed. Idempotent; failures throw and the caller
   * retries the whole sync.
   *
   * @param self this node (null while its Node has not been seen)
   * @param peers the other nodes to route to, already filtered for usability
   */
  void sync(PeerNode self, List<PeerNode> peers);

  /** The MAC address other nodes need to know (VXLAN only), once the device exists. */
  default Optional<String> vtepMac() {
    return Optional.empty();
  }
}
