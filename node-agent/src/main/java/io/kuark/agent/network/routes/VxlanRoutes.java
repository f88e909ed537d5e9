package io.kuark.agent.network.routes;

import io.kuark.cni.config.IpNet;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.Neighbour;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import io.kuark.linux.VxlanSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * VXLAN mode, laid out like flannel's vxlan backend so the kernel does all the work and nothing is
 * learnt from traffic: a device {@value #DEVICE} (VNI 1, UDP 8472, local = node IP, no learning)
 * carrying {@code <own podCIDR network>/32}; per peer a route {@code <podCIDR> via <podCIDR
 * network> dev kuark.vxlan onlink}, a permanent neighbour {@code <podCIDR network> → <peer VTEP
 * MAC>} and an fdb entry {@code <peer VTEP MAC> → dst <peer InternalIP>}. Peers that have not
 * published their VTEP MAC yet are left out until they do.
 */
final class VxlanRoutes implements PeerRoutes {

  private static final Logger LOG = Logger.getLogger(VxlanRoutes.class);

  static final String DEVICE = "kuark.vxlan";
  static final int VNI = 1;
  static final int PORT = 8472;

  /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
  static final int OVERHEAD = 50;

  private final Netlink netlink;
  private final InetAddress localIp;
  private volatile String mac;

  VxlanRoutes(Netlink netlink, InetAddress localIp) {
    this.netlink = netlink;
    this.localIp = localIp;
  }

  @Override
  public Optional<String> vtepMac() {
    return Optional.ofNullable(mac);
  }

  @Override
  public void sync(PeerNode self, List<PeerNode> peers) {
    Link device = ensureDevice();
    mac = device.mac();
    if (self != null) {
      syncGatewayAddresses(device, self);
    }
    int index = device.index();
    KeyedDiff<Neighbour> fdb =
        KeyedDiff.of(existingFdb(index), keyedByMac(wantedFdb(peers, index)), Objects::equals);
    KeyedDiff<Neighbour> arp =
        KeyedDiff.of(
            existingNeighbours(index), keyedByIp(wantedNeighbours(peers, index)), Objects::equals);
    for (Neighbour n : fdb.upsert()) {
      netlink.replaceNeighbour(n);
    }
    for (Neighbour n : arp.upsert()) {
      netlink.replaceNeighbour(n);
    }
    OwnRoutes.apply(netlink, OwnRoutes.diff(OwnRoutes.list(netlink), wantedRoutes(peers, index)));
    for (Neighbour n : arp.remove()) {
      netlink.deleteNeighbour(n);
    }
    for (Neighbour n : fdb.remove()) {
      netlink.deleteNeighbour(n);
    }
  }

  private Link ensureDevice() {
    Optional<Link> existing = netlink.link(DEVICE);
    if (existing.isPresent() && !existing.get().kind().equals("vxlan")) {
      throw new IllegalStateException(DEVICE + " exists and is not a vxlan device");
    }
    if (existing.isEmpty()) {
      Link uplink = Uplink.find(netlink, localIp).link();
      netlink.createVxlan(
          new VxlanSpec(
              DEVICE, VNI, localIp, PORT, uplink.index(), false, uplink.mtu() - OVERHEAD));
      LOG.infof(
          "created %s (vni %d, local %s, mtu %d)",
          DEVICE, VNI, localIp.getHostAddress(), uplink.mtu() - OVERHEAD);
    }
    Link device = netlink.requireLink(DEVICE);
    if (!device.isUp()) {
      netlink.setUp(DEVICE, true);
    }
    return device;
  }

  /** The device holds exactly the own pod CIDRs' network addresses as /32 (flannel's layout). */
  private void syncGatewayAddresses(Link device, PeerNode self) {
    List<InetAddress> wanted = new ArrayList<>();
    for (IpNet cidr : self.podCidrsV4()) {
      wanted.add(cidr.network());
    }
    List<InetAddress> present = new ArrayList<>();
    for (IfAddress address : netlink.addresses(DEVICE)) {
      if (address.address().isLinkLocalAddress()) {
        continue;
      }
      present.add(address.address());
      if (!wanted.contains(address.address())) {
        netlink.deleteAddress(DEVICE, address.address(), address.prefixLength());
      }
    }
    for (InetAddress address : wanted) {
      if (!present.contains(address)) {
        netlink.addAddress(DEVICE, address, 32);
      }
    }
  }

  /** Routes to the peers' IPv4 pod CIDRs through their gateways on the overlay (pure). */
  static List<Route> wantedRoutes(List<PeerNode> peers, int deviceIndex) {
    List<Route> out = new ArrayList<>();
    for (PeerNode peer : peers) {
      if (peer.vtepMac() == null) {
        continue;
      }
      for (IpNet cidr : peer.podCidrsV4()) {
        out.add(OwnRoutes.via(cidr, cidr.network(), deviceIndex, true));
      }
    }
    return out;
  }

  /** Permanent neighbours: each peer gateway resolves to the peer's VTEP MAC (pure). */
  static List<Neighbour> wantedNeighbours(List<PeerNode> peers, int deviceIndex) {
    List<Neighbour> out = new ArrayList<>();
    for (PeerNode peer : peers) {
      if (peer.vtepMac() == null) {
        continue;
      }
      for (IpNet cidr : peer.podCidrsV4()) {
        out.add(
            new Neighbour(
                deviceIndex,
                Neighbour.AF_INET,
                cidr.network(),
                peer.vtepMac().toLowerCase(),
                Neighbour.NUD_PERMANENT,
                0));
      }
    }
    return out;
  }

  /** Forwarding entries: each peer VTEP MAC is reached at the peer's InternalIP (pure). */
  static List<Neighbour> wantedFdb(List<PeerNode> peers, int deviceIndex) {
    List<Neighbour> out = new ArrayList<>();
    for (PeerNode peer : peers) {
      if (peer.vtepMac() == null || peer.podCidrsV4().isEmpty()) {
        continue;
      }
      Optional<InetAddress> ip = peer.internalIpFor(peer.podCidrsV4().get(0));
      ip.ifPresent(
          dst ->
              out.add(
                  new Neighbour(
                      deviceIndex,
                      Neighbour.AF_BRIDGE,
                      dst,
                      peer.vtepMac().toLowerCase(),
                      Neighbour.NUD_PERMANENT,
                      Neighbour.NTF_SELF)));
    }
    return out;
  }

  private Map<String, Neighbour> existingFdb(int deviceIndex) {
    List<Neighbour> out = new ArrayList<>();
    for (Neighbour n : netlink.neighbours(Neighbour.AF_BRIDGE)) {
      if (n.linkIndex() == deviceIndex && n.destination() != null) {
        out.add(normalise(n, Neighbour.NTF_SELF));
      }
    }
    return keyedByMac(out);
  }

  private Map<String, Neighbour> existingNeighbours(int deviceIndex) {
    List<Neighbour> out = new ArrayList<>();
    for (Neighbour n : netlink.neighbours(Neighbour.AF_INET)) {
      if (n.linkIndex() == deviceIndex
          && n.destination() != null
          && (n.state() & Neighbour.NUD_PERMANENT) != 0) {
        out.add(normalise(n, 0));
      }
    }
    return keyedByIp(out);
  }

  /** Kernel entries compared on the fields the agent sets. */
  private static Neighbour normalise(Neighbour n, int flags) {
    return new Neighbour(
        n.linkIndex(), n.family(), n.destination(), n.mac(), Neighbour.NUD_PERMANENT, flags);
  }

  private static Map<String, Neighbour> keyedByMac(List<Neighbour> entries) {
    Map<String, Neighbour> out = new LinkedHashMap<>();
    for (Neighbour n : entries) {
      out.put(n.mac(), n);
    }
    return out;
  }

  private static Map<String, Neighbour> keyedByIp(List<Neighbour> entries) {
    Map<String, Neighbour> out = new LinkedHashMap<>();
    for (Neighbour n : entries) {
      out.put(n.destination().getHostAddress(), n);
    }
    return out;
  }
}
