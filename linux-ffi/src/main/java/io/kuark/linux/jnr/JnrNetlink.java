package io.kuark.linux.jnr;

import io.kuark.linux.Errno;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.Neighbour;
import io.kuark.linux.Netlink;
import io.kuark.linux.NetlinkBatch;
import io.kuark.linux.NetlinkException;
import io.kuark.linux.Route;
import io.kuark.linux.VethSpec;
import io.kuark.linux.VxlanSpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link Netlink} over a NETLINK_ROUTE socket with hand-built rtnetlink messages. */
public final class JnrNetlink implements Netlink {
  private static final int AF_UNSPEC = 0;
  private static final int AF_INET = 2;
  private static final int AF_BRIDGE = 7;
  private static final int AF_INET6 = 10;

  private static final int RTM_NEWLINK = 16;
  private static final int RTM_DELLINK = 17;
  private static final int RTM_GETLINK = 18;
  private static final int RTM_SETLINK = 19;
  private static final int RTM_NEWADDR = 20;
  private static final int RTM_DELADDR = 21;
  private static final int RTM_GETADDR = 22;
  private static final int RTM_NEWROUTE = 24;
  private static final int RTM_DELROUTE = 25;
  private static final int RTM_GETROUTE = 26;
  private static final int RTM_NEWNEIGH = 28;
  private static final int RTM_DELNEIGH = 29;
  private static final int RTM_GETNEIGH = 30;

  private static final int IFLA_ADDRESS = 1;
  private static final int IFLA_IFNAME = 3;
  private static final int IFLA_MTU = 4;
  private static final int IFLA_TXQLEN = 13;
  private static final int IFLA_MASTER = 10;
  private static final int IFLA_PROTINFO = 12;
  private static final int IFLA_LINKINFO = 18;
  private static final int IFLA_AF_SPEC = 26;
  private static final int IFLA_NET_NS_FD = 28;
  private static final int IFLA_LINK_NETNSID = 37;
  private static final int IFLA_INFO_KIND = 1;
  private static final int IFLA_INFO_DATA = 2;
  private static final int VETH_INFO_PEER = 1;
  private static final int IFLA_BR_VLAN_FILTERING = 7;
  private static final int IFLA_BRPORT_MODE = 4;
  private static final int IFLA_BRIDGE_FLAGS = 0;
  private static final int IFLA_BRIDGE_VLAN_INFO = 2;
  private static final int BRIDGE_FLAGS_MASTER = 1;
  private static final int BRIDGE_VLAN_INFO_PVID = 2;
  private static final int BRIDGE_VLAN_INFO_UNTAGGED = 4;
  private static final int IFLA_VXLAN_ID = 1;
  private static final int IFLA_VXLAN_LINK = 3;
  private static final int IFLA_VXLAN_LOCAL = 4;
  private static final int IFLA_VXLAN_LEARNING = 7;
  private static final int IFLA_VXLAN_PORT = 15;
  private static final int IFLA_VXLAN_LOCAL6 = 17;

  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int IFA_BROADCAST = 4;
  private static final int IFA_FLAGS = 8;

  private static final int RTA_DST = 1;
  private static final int RTA_OIF = 4;
  private static final int RTA_GATEWAY = 5;
  private static final int RTA_PRIORITY = 6;
  private static final int RTA_PREFSRC = 7;
  private static final int RTA_TABLE = 15;
  private static final int RTNH_F_ONLINK = 4;
  private static final int RT_SCOPE_NOWHERE = 255;

  private static final int NDA_DST = 1;
  private static final int NDA_LLADDR = 2;

  private static final int HDR = 16;
  private static final int ACK = NlRequest.NLM_F_ACK;
  private static final int CREATE_EXCL = NlRequest.NLM_F_CREATE | NlRequest.NLM_F_EXCL;
  private static final int CREATE_REPLACE = NlRequest.NLM_F_CREATE | NlRequest.NLM_F_REPLACE;

  private final NetlinkSocket socket;

  /** Opens a socket in the calling thread's network namespace. */
  public JnrNetlink() {
    this.socket = new NetlinkSocket();
  }

  // ---------------------------------------------------------------- links

  @Override
  public List<Link> links() {
    NlRequest req = new NlRequest(RTM_GETLINK, NlRequest.NLM_F_DUMP).ifinfomsg(AF_UNSPEC, 0, 0, 0);
    List<Link> out = new ArrayList<>();
    for (NetlinkSocket.Message m : socket.dump(req, "list links")) {
      if (m.type() == RTM_NEWLINK) {
        out.add(parseLink(m));
      }
    }
    return out;
  }

  @Override
  public Optional<Link> link(String name) {
    NlRequest req =
        new NlRequest(RTM_GETLINK, 0).ifinfomsg(AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, name);
    return getLink(req, "get link " + name);
  }

  @Override
  public Optional<Link> link(int index) {
    NlRequest req = new NlRequest(RTM_GETLINK, 0).ifinfomsg(AF_UNSPEC, index, 0, 0);
    return getLink(req, "get link #" + index);
  }

  private Optional<Link> getLink(NlRequest req, String operation) {
    try {
      NetlinkSocket.Message m = socket.query(req, operation, Errno.ENODEV);
      return m == null || m.type() != RTM_NEWLINK ? Optional.empty() : Optional.of(parseLink(m));
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Link requireLink(String name) {
    return link(name)
        .orElseThrow(
            () ->
                new NetlinkException(
                    "get link " + name, Errno.ENODEV, Native.strerror(Errno.ENODEV)));
  }

  @Override
  public void createBridge(String name, int mtu, boolean vlanFiltering) {
    NlRequest req = new NlRequest(RTM_NEWLINK, ACK | CREATE_EXCL).ifinfomsg(AF_UNSPEC, 0, 0, 0);
    req.attrString(IFLA_IFNAME, name);
    if (mtu > 0) {
      req.attrU32(IFLA_MTU, mtu);
    }
    req.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "bridge");
    if (vlanFiltering) {
      req.beginNested(IFLA_INFO_DATA).attrU8(IFLA_BR_VLAN_FILTERING, 1).endNested();
    }
    req.endNested();
    socket.execute(req, "create bridge " + name);
  }

  @Override
  public void createVeth(VethSpec spec) {
    int peerNsFd = spec.peerNetns() == null ? -1 : openNetns(spec.peerNetns());
    try {
      socket.execute(vethRequest(spec, peerNsFd, 0, false), vethOperation(spec));
    } finally {
      if (peerNsFd >= 0) {
        Native.libc().close(peerNsFd);
      }
    }
  }

  private static String vethOperation(VethSpec spec) {
    return "create veth " + spec.name() + "/" + spec.peerName();
  }

  /**
   * RTM_NEWLINK for a veth pair; {@code masterIndex} (0: none) and {@code up} apply to the local
   * end as part of its creation (the kernel enslaves and opens it before answering).
   */
  private static NlRequest vethRequest(VethSpec spec, int peerNsFd, int masterIndex, boolean up) {
    NlRequest req =
        new NlRequest(RTM_NEWLINK, ACK | CREATE_EXCL)
            .ifinfomsg(AF_UNSPEC, 0, up ? Link.IFF_UP : 0, up ? Link.IFF_UP : 0);
    req.attrString(IFLA_IFNAME, spec.name());
    if (spec.mtu() > 0) {
      req.attrU32(IFLA_MTU, spec.mtu());
    }
    if (spec.mac() != null) {
      req.attr(IFLA_ADDRESS, Macs.parse(spec.mac()));
    }
    if (spec.txQueueLen() >= 0) {
      req.attrU32(IFLA_TXQLEN, spec.txQueueLen());
    }
    if (masterIndex > 0) {
      req.attrU32(IFLA_MASTER, masterIndex);
    }
    req.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "veth");
    req.beginNested(IFLA_INFO_DATA).beginNested(VETH_INFO_PEER);
    req.ifinfomsg(AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, spec.peerName());
    if (spec.peerMac() != null) {
      req.attr(IFLA_ADDRESS, Macs.parse(spec.peerMac()));
    }
    if (spec.mtu() > 0) {
      req.attrU32(IFLA_MTU, spec.mtu());
    }
    if (spec.txQueueLen() >= 0) {
      req.attrU32(IFLA_TXQLEN, spec.txQueueLen());
    }
    if (peerNsFd >= 0) {
      req.attrU32(IFLA_NET_NS_FD, peerNsFd);
    }
    req.endNested().endNested().endNested();
    return req;
  }

  @Override
  public void createVxlan(VxlanSpec spec) {
    NlRequest req = new NlRequest(RTM_NEWLINK, ACK | CREATE_EXCL).ifinfomsg(AF_UNSPEC, 0, 0, 0);
    req.attrString(IFLA_IFNAME, spec.name());
    if (spec.mtu() > 0) {
      req.attrU32(IFLA_MTU, spec.mtu());
    }
    req.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "vxlan");
    req.beginNested(IFLA_INFO_DATA).attrU32(IFLA_VXLAN_ID, spec.vni());
    if (spec.local() != null) {
      req.attr(
          spec.local() instanceof Inet4Address ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6,
          spec.local().getAddress());
    }
    if (spec.underlayIndex() > 0) {
      req.attrU32(IFLA_VXLAN_LINK, spec.underlayIndex());
    }
    if (spec.port() > 0) {
      req.attrBe16(IFLA_VXLAN_PORT, spec.port());
    }
    req.attrU8(IFLA_VXLAN_LEARNING, spec.learning() ? 1 : 0);
    req.endNested().endNested();
    socket.execute(req, "create vxlan " + spec.name());
  }

  @Override
  public void createDummy(String name) {
    NlRequest req = new NlRequest(RTM_NEWLINK, ACK | CREATE_EXCL).ifinfomsg(AF_UNSPEC, 0, 0, 0);
    req.attrString(IFLA_IFNAME, name);
    req.beginNested(IFLA_LINKINFO).attrString(IFLA_INFO_KIND, "dummy").endNested();
    socket.execute(req, "create dummy " + name);
  }

  @Override
  public void setUp(String name, boolean up) {
    int index = requireLink(name).index();
    NlRequest req =
        new NlRequest(RTM_SETLINK, ACK)
            .ifinfomsg(AF_UNSPEC, index, up ? Link.IFF_UP : 0, Link.IFF_UP);
    socket.execute(req, "set link " + name + (up ? " up" : " down"));
  }

  @Override
  public void setPromisc(String name, boolean on) {
    int index = requireLink(name).index();
    NlRequest req =
        new NlRequest(RTM_SETLINK, ACK)
            .ifinfomsg(AF_UNSPEC, index, on ? Link.IFF_PROMISC : 0, Link.IFF_PROMISC);
    socket.execute(req, "set link " + name + " promisc " + on);
  }

  @Override
  public void setMtu(String name, int mtu) {
    setAttr(name, IFLA_MTU, mtu, "mtu " + mtu);
  }

  @Override
  public void setMaster(String name, String master) {
    int masterIndex = master == null ? 0 : requireLink(master).index();
    setAttr(name, IFLA_MASTER, masterIndex, master == null ? "nomaster" : "master " + master);
  }

  @Override
  public void setMac(String name, String mac) {
    int index = requireLink(name).index();
    NlRequest req =
        new NlRequest(RTM_SETLINK, ACK)
            .ifinfomsg(AF_UNSPEC, index, 0, 0)
            .attr(IFLA_ADDRESS, Macs.parse(mac));
    socket.execute(req, "set link " + name + " address " + mac);
  }

  @Override
  public void moveToNetns(String name, Path netns) {
    int fd = openNetns(netns);
    try {
      setAttr(name, IFLA_NET_NS_FD, fd, "netns " + netns);
    } finally {
      Native.libc().close(fd);
    }
  }

  private void setAttr(String name, int attr, int value, String what) {
    int index = requireLink(name).index();
    NlRequest req =
        new NlRequest(RTM_SETLINK, ACK).ifinfomsg(AF_UNSPEC, index, 0, 0).attrU32(attr, value);
    socket.execute(req, "set link " + name + " " + what);
  }

  @Override
  public void setHairpin(String port, boolean on) {
    socket.execute(hairpinRequest(requireLink(port).index(), on), "set hairpin " + port + " " + on);
  }

  private static NlRequest hairpinRequest(int index, boolean on) {
    NlRequest req = new NlRequest(RTM_SETLINK, ACK).ifinfomsg(AF_BRIDGE, index, 0, 0);
    req.beginNested(IFLA_PROTINFO | NlRequest.NLA_F_NESTED)
        .attrU8(IFLA_BRPORT_MODE, on ? 1 : 0)
        .endNested();
    return req;
  }

  @Override
  public void addBridgeVlan(String port, int vid, boolean pvid, boolean untagged) {
    int index = requireLink(port).index();
    int flags = (pvid ? BRIDGE_VLAN_INFO_PVID : 0) | (untagged ? BRIDGE_VLAN_INFO_UNTAGGED : 0);
    byte[] info =
        ByteBuffer.allocate(4)
            .order(java.nio.ByteOrder.nativeOrder())
            .putShort((short) flags)
            .putShort((short) vid)
            .array();
    NlRequest req = new NlRequest(RTM_SETLINK, ACK).ifinfomsg(AF_BRIDGE, index, 0, 0);
    req.beginNested(IFLA_AF_SPEC)
        .attrU16(IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_MASTER)
        .attr(IFLA_BRIDGE_VLAN_INFO, info)
        .endNested();
    socket.execute(req, "bridge vlan add vid " + vid + " dev " + port);
  }

  @Override
  public boolean deleteLink(String name) {
    Optional<Link> link = link(name);
    if (link.isEmpty()) {
      return false;
    }
    NlRequest req = new NlRequest(RTM_DELLINK, ACK).ifinfomsg(AF_UNSPEC, link.get().index(), 0, 0);
    try {
      socket.execute(req, "delete link " + name);
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENODEV) {
        return false; // went away concurrently (e.g. the other veth end was deleted)
      }
      throw e;
    }
  }

  private static Link parseLink(NetlinkSocket.Message m) {
    ByteBuffer d = m.data();
    int p = m.offset() + HDR;
    int index = d.getInt(p + 4);
    int flags = d.getInt(p + 8);
    NlAttrs attrs = new NlAttrs(d, p + 16, m.end());
    NlAttrs info = attrs.nested(IFLA_LINKINFO);
    String kind = info == null ? null : info.string(IFLA_INFO_KIND);
    byte[] mac = attrs.bytes(IFLA_ADDRESS);
    return new Link(
        index,
        attrs.string(IFLA_IFNAME),
        kind == null ? "" : kind,
        attrs.u32(IFLA_MTU, 0),
        mac == null ? "" : Macs.format(mac),
        attrs.u32(IFLA_MASTER, 0),
        flags,
        attrs.u32(IFLA_LINK_NETNSID, -1));
  }

  // ---------------------------------------------------------------- addresses

  @Override
  public List<IfAddress> addresses(int family) {
    NlRequest req =
        new NlRequest(RTM_GETADDR, NlRequest.NLM_F_DUMP).u8(family).u8(0).u8(0).u8(0).u32(0);
    List<IfAddress> out = new ArrayList<>();
    for (NetlinkSocket.Message m : socket.dump(req, "list addresses")) {
      if (m.type() != RTM_NEWADDR) {
        continue;
      }
      ByteBuffer d = m.data();
      int p = m.offset() + HDR;
      int prefix = Byte.toUnsignedInt(d.get(p + 1));
      int flags = Byte.toUnsignedInt(d.get(p + 2));
      int scope = Byte.toUnsignedInt(d.get(p + 3));
      int index = d.getInt(p + 4);
      NlAttrs attrs = new NlAttrs(d, p + 8, m.end());
      byte[] raw = attrs.has(IFA_LOCAL) ? attrs.bytes(IFA_LOCAL) : attrs.bytes(IFA_ADDRESS);
      if (raw == null) {
        continue;
      }
      out.add(new IfAddress(index, inet(raw), prefix, scope, attrs.u32(IFA_FLAGS, flags)));
    }
    return out;
  }

  @Override
  public List<IfAddress> addresses(String link) {
    int index = requireLink(link).index();
    List<IfAddress> out = new ArrayList<>();
    for (IfAddress a : addresses(AF_UNSPEC)) {
      if (a.linkIndex() == index) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public void addAddress(String link, InetAddress address, int prefixLength) {
    socket.execute(
        addressRequest(RTM_NEWADDR, ACK | CREATE_EXCL, link, address, prefixLength),
        "add address " + address.getHostAddress() + "/" + prefixLength + " to " + link);
  }

  @Override
  public boolean deleteAddress(String link, InetAddress address, int prefixLength) {
    try {
      socket.execute(
          addressRequest(RTM_DELADDR, ACK, link, address, prefixLength),
          "delete address " + address.getHostAddress() + "/" + prefixLength + " from " + link);
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.EADDRNOTAVAIL || e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  private NlRequest addressRequest(
      int type, int flags, String link, InetAddress address, int prefixLength) {
    return addressRequest(type, flags, requireLink(link).index(), address, prefixLength);
  }

  private static NlRequest addressRequest(
      int type, int flags, int index, InetAddress address, int prefixLength) {
    boolean v4 = address instanceof Inet4Address;
    NlRequest req = new NlRequest(type, flags);
    req.u8(v4 ? AF_INET : AF_INET6).u8(prefixLength).u8(0).u8(0).u32(index);
    byte[] raw = address.getAddress();
    req.attr(IFA_LOCAL, raw).attr(IFA_ADDRESS, raw);
    if (v4 && prefixLength < 31 && type == RTM_NEWADDR) {
      req.attr(IFA_BROADCAST, Cidrs.broadcast(raw, prefixLength));
    }
    return req;
  }

  // ---------------------------------------------------------------- routes

  @Override
  public List<Route> routes(int family) {
    NlRequest req = new NlRequest(RTM_GETROUTE, NlRequest.NLM_F_DUMP);
    req.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
    List<Route> out = new ArrayList<>();
    for (NetlinkSocket.Message m : socket.dump(req, "list routes")) {
      if (m.type() != RTM_NEWROUTE) {
        continue;
      }
      ByteBuffer d = m.data();
      int p = m.offset() + HDR;
      int fam = Byte.toUnsignedInt(d.get(p));
      int dstLen = Byte.toUnsignedInt(d.get(p + 1));
      int table = Byte.toUnsignedInt(d.get(p + 4));
      int protocol = Byte.toUnsignedInt(d.get(p + 5));
      int scope = Byte.toUnsignedInt(d.get(p + 6));
      int type = Byte.toUnsignedInt(d.get(p + 7));
      int flags = d.getInt(p + 8);
      NlAttrs attrs = new NlAttrs(d, p + 12, m.end());
      byte[] dst = attrs.bytes(RTA_DST);
      byte[] gw = attrs.bytes(RTA_GATEWAY);
      byte[] src = attrs.bytes(RTA_PREFSRC);
      out.add(
          new Route(
              fam == AF_INET6,
              dst == null ? null : inet(dst),
              dstLen,
              gw == null ? null : inet(gw),
              attrs.u32(RTA_OIF, 0),
              attrs.u32(RTA_TABLE, table),
              type,
              scope,
              protocol,
              attrs.u32(RTA_PRIORITY, 0),
              (flags & RTNH_F_ONLINK) != 0,
              src == null ? null : inet(src)));
    }
    return out;
  }

  @Override
  public void addRoute(Route route) {
    socket.execute(
        routeRequest(RTM_NEWROUTE, ACK | CREATE_EXCL, route), "add route " + describe(route));
  }

  @Override
  public void replaceRoute(Route route) {
    socket.execute(
        routeRequest(RTM_NEWROUTE, ACK | CREATE_REPLACE, route),
        "replace route " + describe(route));
  }

  @Override
  public boolean deleteRoute(Route route) {
    try {
      socket.execute(routeRequest(RTM_DELROUTE, ACK, route), "delete route " + describe(route));
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ESRCH) {
        return false;
      }
      throw e;
    }
  }

  private static NlRequest routeRequest(int type, int flags, Route route) {
    boolean delete = type == RTM_DELROUTE;
    NlRequest req = new NlRequest(type, flags);
    int table = route.table() == 0 ? Route.TABLE_MAIN : route.table();
    req.u8(route.ipv6() ? AF_INET6 : AF_INET)
        .u8(route.isDefault() ? 0 : route.prefixLength())
        .u8(0)
        .u8(0)
        .u8(table < 256 ? table : 0)
        .u8(delete ? 0 : route.protocol())
        // A delete matches any scope unless one is asked for (RT_SCOPE_NOWHERE = wildcard).
        .u8(delete ? RT_SCOPE_NOWHERE : route.scope())
        .u8(route.type())
        .u32(route.onlink() ? RTNH_F_ONLINK : 0);
    if (!route.isDefault()) {
      req.attr(RTA_DST, route.destination().getAddress());
    }
    if (route.gateway() != null) {
      req.attr(RTA_GATEWAY, route.gateway().getAddress());
    }
    if (route.linkIndex() > 0) {
      req.attrU32(RTA_OIF, route.linkIndex());
    }
    if (route.metric() > 0) {
      req.attrU32(RTA_PRIORITY, route.metric());
    }
    if (route.source() != null) {
      req.attr(RTA_PREFSRC, route.source().getAddress());
    }
    if (table >= 256) {
      req.attrU32(RTA_TABLE, table);
    }
    return req;
  }

  private static String describe(Route r) {
    StringBuilder s = new StringBuilder(r.destinationCidr());
    if (r.type() == Route.TYPE_BLACKHOLE) {
      s.insert(0, "blackhole ");
    }
    if (r.gateway() != null) {
      s.append(" via ").append(r.gateway().getHostAddress());
    }
    if (r.linkIndex() > 0) {
      s.append(" dev #").append(r.linkIndex());
    }
    if (r.table() != Route.TABLE_MAIN) {
      s.append(" table ").append(r.table());
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- neighbours

  @Override
  public List<Neighbour> neighbours(int family) {
    NlRequest req = new NlRequest(RTM_GETNEIGH, NlRequest.NLM_F_DUMP);
    req.u8(family).u8(0).u16(0).u32(0).u16(0).u8(0).u8(0);
    List<Neighbour> out = new ArrayList<>();
    for (NetlinkSocket.Message m : socket.dump(req, "list neighbours")) {
      if (m.type() != RTM_NEWNEIGH) {
        continue;
      }
      ByteBuffer d = m.data();
      int p = m.offset() + HDR;
      int fam = Byte.toUnsignedInt(d.get(p));
      int index = d.getInt(p + 4);
      int state = Short.toUnsignedInt(d.getShort(p + 8));
      int flags = Byte.toUnsignedInt(d.get(p + 10));
      NlAttrs attrs = new NlAttrs(d, p + 12, m.end());
      byte[] dst = attrs.bytes(NDA_DST);
      byte[] mac = attrs.bytes(NDA_LLADDR);
      out.add(
          new Neighbour(
              index,
              fam,
              dst == null ? null : inet(dst),
              mac == null ? "" : Macs.format(mac),
              state,
              flags));
    }
    return out;
  }

  @Override
  public void replaceNeighbour(Neighbour n) {
    socket.execute(neighbourRequest(RTM_NEWNEIGH, ACK | CREATE_REPLACE, n), "replace neighbour");
  }

  @Override
  public boolean deleteNeighbour(Neighbour n) {
    try {
      socket.execute(neighbourRequest(RTM_DELNEIGH, ACK, n), "delete neighbour");
      return true;
    } catch (NetlinkException e) {
      if (e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  private static NlRequest neighbourRequest(int type, int flags, Neighbour n) {
    NlRequest req = new NlRequest(type, flags);
    req.u8(n.family()).u8(0).u16(0).u32(n.linkIndex()).u16(n.state()).u8(n.flags()).u8(0);
    if (n.destination() != null) {
      req.attr(NDA_DST, n.destination().getAddress());
    }
    if (n.mac() != null && !n.mac().isEmpty()) {
      req.attr(NDA_LLADDR, Macs.parse(n.mac()));
    }
    return req;
  }

  // ---------------------------------------------------------------- batches

  @Override
  public NetlinkBatch batch() {
    return new Batch();
  }

  /** Requests collected for one {@link NetlinkSocket#exchange}. */
  private final class Batch implements NetlinkBatch {
    private final List<NlRequest> requests = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private final List<Integer> netnsFds = new ArrayList<>();

    private Batch add(NlRequest req, String operation) {
      requests.add(req);
      operations.add(operation);
      return this;
    }

    @Override
    public NetlinkBatch createVeth(VethSpec spec, int masterIndex, boolean up) {
      int peerNsFd = -1;
      if (spec.peerNetns() != null) {
        peerNsFd = openNetns(spec.peerNetns());
        netnsFds.add(peerNsFd);
      }
      return add(vethRequest(spec, peerNsFd, masterIndex, up), vethOperation(spec));
    }

    @Override
    public NetlinkBatch setUp(String name, boolean up) {
      NlRequest req =
          new NlRequest(RTM_SETLINK, ACK)
              .ifinfomsg(AF_UNSPEC, 0, up ? Link.IFF_UP : 0, Link.IFF_UP)
              .attrString(IFLA_IFNAME, name);
      return add(req, "set link " + name + (up ? " up" : " down"));
    }

    @Override
    public NetlinkBatch setHairpin(int portIndex, boolean on) {
      return add(hairpinRequest(portIndex, on), "set hairpin #" + portIndex + " " + on);
    }

    @Override
    public NetlinkBatch addAddress(int linkIndex, InetAddress address, int prefixLength) {
      return add(
          addressRequest(RTM_NEWADDR, ACK | CREATE_EXCL, linkIndex, address, prefixLength),
          "add address " + address.getHostAddress() + "/" + prefixLength + " to #" + linkIndex);
    }

    @Override
    public NetlinkBatch addRoute(Route route) {
      return add(
          routeRequest(RTM_NEWROUTE, ACK | CREATE_EXCL, route), "add route " + describe(route));
    }

    @Override
    public NetlinkBatch getLink(String name) {
      NlRequest req =
          new NlRequest(RTM_GETLINK, ACK)
              .ifinfomsg(AF_UNSPEC, 0, 0, 0)
              .attrString(IFLA_IFNAME, name);
      return add(req, "get link " + name);
    }

    @Override
    public int size() {
      return requests.size();
    }

    @Override
    public List<Link> execute() {
      try {
        List<NetlinkSocket.Message> replies = socket.exchange(requests, operations);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
          if (requests.get(i).type == RTM_GETLINK) {
            NetlinkSocket.Message m = replies.get(i);
            if (m == null || m.type() != RTM_NEWLINK) {
              throw new NetlinkException(operations.get(i), Errno.ENODEV, "no link in the reply");
            }
            links.add(parseLink(m));
          }
        }
        return links;
      } finally {
        for (int fd : netnsFds) {
          Native.libc().close(fd);
        }
        netnsFds.clear();
        requests.clear();
        operations.clear();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static int openNetns(Path netns) {
    String path = netns.toAbsolutePath().toString();
    return Native.check(
        Native.libc().open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0), "open netns " + path);
  }

  private static InetAddress inet(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address length " + raw.length, e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
