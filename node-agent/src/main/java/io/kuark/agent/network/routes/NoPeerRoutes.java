package io.kuark.agent.network.routes;

import io.kuark.linux.Netlink;
import java.util.List;

/**
 * Mode {@code none}: another component owns cross-node routing; the agent only removes what it
 * programmed itself in an earlier mode (its marked routes and its overlay device).
 */
final class NoPeerRoutes implements PeerRoutes {

  private final Netlink netlink;

  NoPeerRoutes(Netlink netlink) {
    this.netlink = netlink;
  }

  @Override
  public void sync(PeerNode self, List<PeerNode> peers) {
    OwnRoutes.apply(netlink, OwnRoutes.diff(OwnRoutes.list(netlink), List.of()));
    netlink.deleteLink(VxlanRoutes.DEVICE);
  }
}
