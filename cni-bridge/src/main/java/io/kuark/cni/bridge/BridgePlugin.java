package io.kuark.cni.bridge;

import io.kuark.cni.CniException;
import io.kuark.cni.CniRequest;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.config.IpNet;
import io.kuark.cni.ipam.Ipam;
import io.kuark.cni.result.CniResult;
import io.kuark.linux.Errno;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.LinuxException;
import io.kuark.linux.Netlink;
import io.kuark.linux.NetlinkBatch;
import io.kuark.linux.Route;
import io.kuark.linux.VethSpec;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ADD, DEL and CHECK of the bridge plugin, with the result of the reference {@code bridge} plugin
 * for the same configuration: bridge, veth pair (host end on the bridge, container end in the
 * sandbox), IPAM, container addresses and routes, gateway address on the bridge, forwarding,
 * masquerade.
 */
public final class BridgePlugin {
  private static final InetAddress V4_ANY = IpNet.parseIp("0.0.0.0");
  private static final InetAddress V6_ANY = IpNet.parseIp("::");

  private final HostNetwork host;
  private final Masquerade masquerade;
  private final MacSpoofCheck macSpoof;

  public BridgePlugin(HostNetwork host) {
    this.host = host;
    this.masquerade = new Masquerade(host);
    this.macSpoof = new MacSpoofCheck(host);
  }

  /**
   * ADD; on failure everything created so far is removed again before the error propagates.
   *
   * <p>The steps are the reference's, arranged for few kernel round trips and a single trip to a
   * namespace thread (each trip is a thread hand-off, each round trip two system calls and, on a
   * busy machine, a wait for the CPU: docs/benchmarks.md, CNI). On the host: one look-up of the
   * bridge, then one batch that creates the veth pair with the container end placed straight into
   * the sandbox and the host end enslaved and up, and reads the host end back. IPAM runs before the
   * trip into the sandbox, which opens the sandbox's netlink socket, brings the container end up
   * and reads it back (one batch), and sets the interface sysctls. Addresses and routes then go to
   * the sandbox in one batch, hairpin mode to the host in one.
   */
  public CniResult add(CniRequest req, BridgeConf conf, Ipam ipam) {
    Path sandbox = requireNetns(req.netns());
    boolean success = false;
    boolean ipamDone = false;
    String hostVeth = null;
    Sandbox pod = null;
    Netlink hostNl = host.netlink();
    try {
      Link bridge = Bridges.ensure(hostNl, conf, host);
      Link vlanGateway = null;
      Link hv = createVeth(hostNl, sandbox, req.ifName(), conf, bridge.index());
      hostVeth = hv.name();
      // The bridge's MAC follows its ports unless set, so it is read after enslaving.
      Link br =
          hostNl
              .batch()
              .setHairpin(hv.index(), conf.hairpinMode())
              .getLink(bridge.name())
              .execute()
              .get(0);
      if (conf.vlan() != 0) {
        hostNl.addBridgeVlan(hostVeth, conf.vlan(), true, true);
      }

      boolean withIpam = !conf.ipamType().isEmpty();
      List<CniResult.IpConfig> ips = new ArrayList<>();
      List<CniResult.RouteEntry> routes = new ArrayList<>();
      if (withIpam) {
        CniResult allocated = ipam.add(req, conf);
        ipamDone = true;
        if (allocated.ips().isEmpty()) {
          throw new CniException(
              CniException.PLUGIN_FAILURE, "IPAM plugin returned missing IP config");
        }
        for (CniResult.IpConfig ip : allocated.ips()) {
          ips.add(new CniResult.IpConfig(ip.address(), ip.gateway(), 2));
        }
        routes.addAll(allocated.routes());
        if (conf.isDefaultGateway()) {
          addDefaultRoutes(ips, routes);
        }
      }
      pod = enterSandbox(sandbox, req.ifName(), conf, ips, withIpam);
      Link cv = pod.link();
      if (withIpam) {
        configureContainer(pod.netlink(), cv.index(), ips, routes);
        if (conf.isGateway()) {
          vlanGateway = configureGateway(hostNl, bridge, conf, ips);
        }
        if (conf.ipMasq()) {
          for (CniResult.IpConfig ip : ips) {
            masquerade.add(conf.name(), ip.address());
          }
        }
      }
      if (vlanGateway != null) {
        br = hostNl.requireLink(bridge.name()); // the VLAN gateway's peer is a new port
      }
      if (conf.macspoofchk()) {
        macSpoof.add(hv.name(), cv.mac());
      }
      List<CniResult.Iface> ifaces = new ArrayList<>();
      ifaces.add(new CniResult.Iface(br.name(), br.mac(), null));
      ifaces.add(new CniResult.Iface(hv.name(), hv.mac(), null));
      ifaces.add(new CniResult.Iface(cv.name(), cv.mac(), req.netns()));
      if (vlanGateway != null) {
        ifaces.add(new CniResult.Iface(vlanGateway.name(), vlanGateway.mac(), null));
      }
      success = true;
      return new CniResult(conf.cniVersion(), ifaces, ips, routes, conf.dns());
    } catch (LinuxException e) {
      throw new CniException(CniException.PLUGIN_FAILURE, e.getMessage(), e);
    } finally {
      if (pod != null) {
        pod.netlink().close();
      }
      host.release(hostNl);
      if (!success) {
        rollback(req, conf, ipam, hostVeth, ipamDone);
      }
    }
  }

  private void rollback(
      CniRequest req, BridgeConf conf, Ipam ipam, String hostVeth, boolean ipamDone) {
    if (ipamDone) {
      try {
        ipam.del(req, conf);
      } catch (RuntimeException ignored) {
        // best effort; the ADD error is what the runtime needs to see
      }
    }
    if (hostVeth == null) {
      return; // no pair was created (e.g. the container's interface name was taken)
    }
    Netlink hostNl = null;
    try {
      hostNl = host.netlink();
      hostNl.deleteLink(hostVeth); // removes the container end too
    } catch (RuntimeException ignored) {
      // best effort
    } finally {
      if (hostNl != null) {
        host.release(hostNl);
      }
    }
  }

  /** DEL: releases IPAM, then removes the container interface; anything already gone is fine. */
  public void del(CniRequest req, BridgeConf conf, Ipam ipam) {
    if (!conf.ipamType().isEmpty()) {
      ipam.del(req, conf);
    }
    if (conf.macspoofchk() && conf.prevResult() != null && conf.prevResult().isObject()) {
      // The host veth died with the pair; its name and MAC pair come from the ADD result.
      CniResult prev = CniResult.fromJson(conf.prevResult(), conf.cniVersion());
      String mac = null;
      for (CniResult.Iface i : prev.interfaces()) {
        if (i.sandbox() != null && i.name().equals(req.ifName())) {
          mac = i.mac();
        }
      }
      for (CniResult.Iface i : prev.interfaces()) {
        if (i.sandbox() == null && !i.name().equals(conf.bridge())) {
          macSpoof.del(i.name(), mac);
        }
      }
    }
    if (conf.ipMasq() && conf.prevResult() != null && conf.prevResult().isObject()) {
      // Works even when the sandbox is already gone.
      for (CniResult.IpConfig ip : CniResult.fromJson(conf.prevResult(), conf.cniVersion()).ips()) {
        masquerade.del(conf.name(), ip.address());
      }
    }
    if (req.netns() == null || req.netns().isEmpty()) {
      return;
    }
    Path sandbox = Path.of(req.netns());
    if (!Files.exists(sandbox)) {
      return;
    }
    List<IpNet> addresses = new ArrayList<>();
    try (Netlink podNl = host.linux().netlink(sandbox)) {
      if (podNl.link(req.ifName()).isPresent()) {
        for (IfAddress a : podNl.addresses(req.ifName())) {
          if (a.scope() == 0) {
            addresses.add(new IpNet(a.address(), a.prefixLength()));
          }
        }
        podNl.deleteLink(req.ifName());
      }
    } catch (LinuxException e) {
      if (e.errno() == Errno.ENOENT || e.errno() == Errno.EINVAL) {
        return; // not a namespace (any more)
      }
      throw new CniException(CniException.PLUGIN_FAILURE, e.getMessage(), e);
    }
    if (conf.ipMasq()) {
      for (IpNet a : addresses) {
        masquerade.del(conf.name(), a);
      }
    }
  }

  /** CHECK against prevResult: bridge, veth pair, master, addresses and routes must still hold. */
  public void check(CniRequest req, BridgeConf conf, Ipam ipam, CniResult prev) {
    Path sandbox = requireNetns(req.netns());
    Netlink hostNl = host.netlink();
    try (Netlink podNl = host.linux().netlink(sandbox)) {
      Link br =
          hostNl
              .link(conf.bridge())
              .orElseThrow(() -> fail("bridge " + conf.bridge() + " does not exist"));
      if (!"bridge".equals(br.kind())) {
        throw fail(conf.bridge() + " is not a bridge");
      }
      CniResult.Iface container = null;
      CniResult.Iface hostSide = null;
      for (CniResult.Iface i : prev.interfaces()) {
        if (i.sandbox() != null && i.name().equals(req.ifName())) {
          container = i;
        } else if (i.sandbox() == null && !i.name().equals(conf.bridge())) {
          hostSide = i;
        }
      }
      if (container == null) {
        throw fail("prevResult has no interface " + req.ifName() + " in the sandbox");
      }
      Link cv =
          podNl
              .link(req.ifName())
              .orElseThrow(() -> fail("container interface " + req.ifName() + " does not exist"));
      if (container.mac() != null && !container.mac().equalsIgnoreCase(cv.mac())) {
        throw fail(
            "container interface "
                + req.ifName()
                + " has MAC "
                + cv.mac()
                + ", expected "
                + container.mac());
      }
      if (hostSide != null) {
        String name = hostSide.name();
        Link hv =
            hostNl.link(name).orElseThrow(() -> fail("host veth " + name + " does not exist"));
        if (hv.masterIndex() != br.index()) {
          throw fail("host veth " + name + " is not attached to bridge " + conf.bridge());
        }
      }
      List<IfAddress> have = podNl.addresses(req.ifName());
      for (CniResult.IpConfig ip : prev.ips()) {
        boolean found = false;
        for (IfAddress a : have) {
          found |=
              a.address().equals(ip.address().address())
                  && a.prefixLength() == ip.address().prefixLength();
        }
        if (!found) {
          throw fail("address " + ip.address() + " is missing on " + req.ifName());
        }
      }
      List<Route> routes = podNl.routes(0);
      for (CniResult.RouteEntry r : prev.routes()) {
        boolean found = false;
        for (Route k : routes) {
          found |=
              k.table() == Route.TABLE_MAIN
                  && k.linkIndex() == cv.index()
                  && sameDestination(k, r.dst());
        }
        if (!found) {
          throw fail("route " + r.dst() + " is missing in the sandbox");
        }
      }
      if (!conf.ipamType().isEmpty()) {
        ipam.check(req, conf, prev);
      }
    } catch (LinuxException e) {
      throw new CniException(CniException.PLUGIN_FAILURE, e.getMessage(), e);
    } finally {
      host.release(hostNl);
    }
  }

  private static boolean sameDestination(Route k, IpNet dst) {
    if (dst.prefixLength() == 0) {
      return k.isDefault() && k.ipv6() == !dst.isV4();
    }
    return !k.isDefault()
        && k.prefixLength() == dst.prefixLength()
        && k.destination().equals(dst.network());
  }

  private static CniException fail(String message) {
    return new CniException(CniException.PLUGIN_FAILURE, message);
  }

  /**
   * Creates the pair from the host side with the container end placed in the sandbox (MTU and MAC
   * as configured) and the host end enslaved to the bridge and up, and returns the host end (random
   * name). The kernel refuses a taken name in either namespace with EEXIST: a taken host name is
   * retried, a taken container name is the reference's error.
   */
  private Link createVeth(
      Netlink hostNl, Path sandbox, String ifName, BridgeConf conf, int bridgeIndex) {
    for (int attempt = 0; ; attempt++) {
      // Unique, not secret: a collision is retried (EEXIST), and SecureRandom's provider set-up
      // is a visible part of the binary's start-up.
      byte[] b = new byte[4];
      ThreadLocalRandom.current().nextBytes(b);
      String hostVeth = "veth" + HexFormat.of().formatHex(b);
      try {
        return hostNl
            .batch()
            .createVeth(
                new VethSpec(hostVeth, ifName, conf.mtu(), null, sandbox, 0, conf.mac()),
                bridgeIndex,
                true)
            .getLink(hostVeth)
            .execute()
            .get(0);
      } catch (LinuxException e) {
        if (e.errno() != Errno.EEXIST) {
          throw e;
        }
        if (hostNl.link(hostVeth).isEmpty()) {
          throw new CniException(
              CniException.PLUGIN_FAILURE,
              "container veth name provided (" + ifName + ") already exists");
        }
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** The sandbox's netlink socket (the caller closes it) and the container end as read there. */
  private record Sandbox(Netlink netlink, Link link) {}

  /**
   * The one trip into the sandbox's namespace: opens its netlink socket (returned; the caller
   * closes it), brings the container end up and reads it back in one batch and, with IPAM, sets the
   * interface sysctls the reference sets.
   */
  private Sandbox enterSandbox(
      Path sandbox, String ifName, BridgeConf conf, List<CniResult.IpConfig> ips, boolean ipam) {
    boolean hasV6 = false;
    for (CniResult.IpConfig ip : ips) {
      hasV6 |= !ip.isV4();
    }
    boolean v6 = hasV6;
    try {
      return host.linux()
          .namespaces()
          .runInNetns(
              sandbox,
              () -> {
                Netlink nl = host.linux().netlink(); // this thread is in the sandbox now
                try {
                  Link link = nl.batch().setUp(ifName, true).getLink(ifName).execute().get(0);
                  if (ipam) {
                    if (v6) {
                      host.linux().sysctl().set("net/ipv6/conf/" + ifName + "/disable_ipv6", "0");
                    }
                    if (!conf.enableDad()) {
                      // No duplicate address detection: IPAM addresses must work at once.
                      try {
                        host.linux().sysctl().set("net/ipv6/conf/" + ifName + "/accept_dad", "0");
                      } catch (RuntimeException e) {
                        // IPv6 is disabled in this sandbox
                      }
                    }
                    host.linux().sysctl().set("net/ipv4/conf/" + ifName + "/arp_notify", "1");
                  }
                  return new Sandbox(nl, link);
                } catch (RuntimeException e) {
                  nl.close();
                  throw e;
                }
              });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CniException(
          CniException.PLUGIN_FAILURE, "sysctl in sandbox: " + e.getMessage(), e);
    }
  }

  private static void addDefaultRoutes(
      List<CniResult.IpConfig> ips, List<CniResult.RouteEntry> routes) {
    boolean v4 = false;
    boolean v6 = false;
    for (CniResult.IpConfig ip : ips) {
      if (ip.gateway() == null) {
        continue;
      }
      if (ip.isV4() && !v4) {
        routes.add(new CniResult.RouteEntry(new IpNet(V4_ANY, 0), ip.gateway()));
        v4 = true;
      } else if (!ip.isV4() && !v6) {
        routes.add(new CniResult.RouteEntry(new IpNet(V6_ANY, 0), ip.gateway()));
        v6 = true;
      }
    }
  }

  /** Addresses and routes on the container end, in one batch on the sandbox's socket. */
  private void configureContainer(
      Netlink podNl, int index, List<CniResult.IpConfig> ips, List<CniResult.RouteEntry> routes) {
    NetlinkBatch batch = podNl.batch();
    InetAddress gw4 = null;
    InetAddress gw6 = null;
    for (CniResult.IpConfig ip : ips) {
      batch.addAddress(index, ip.address().address(), ip.address().prefixLength());
      if (ip.gateway() != null && ip.isV4() && gw4 == null) {
        gw4 = ip.gateway();
      } else if (ip.gateway() != null && !ip.isV4() && gw6 == null) {
        gw6 = ip.gateway();
      }
    }
    for (CniResult.RouteEntry r : routes) {
      InetAddress gw = r.gw() != null ? r.gw() : (r.dst().isV4() ? gw4 : gw6);
      IpNet dst = r.dst().canonical();
      Route route =
          gw != null
              ? Route.via(
                  dst.prefixLength() == 0 ? null : dst.network(), dst.prefixLength(), gw, index)
              : Route.dev(dst.network(), dst.prefixLength(), index).withScope(Route.SCOPE_UNIVERSE);
      if (dst.prefixLength() == 0 && gw == null) {
        route =
            new Route(
                !dst.isV4(),
                null,
                0,
                null,
                index,
                Route.TABLE_MAIN,
                Route.TYPE_UNICAST,
                Route.SCOPE_UNIVERSE,
                Route.PROTO_BOOT,
                0,
                false,
                null);
      }
      batch.addRoute(route);
    }
    batch.execute();
  }

  /**
   * Puts the gateway addresses in place and enables forwarding. With {@code vlan} the addresses go
   * on the VLAN gateway link (see {@link #ensureVlanGateway}), which is returned; else on the
   * bridge, and null is returned.
   */
  private Link configureGateway(
      Netlink hostNl, Link bridge, BridgeConf conf, List<CniResult.IpConfig> ips) {
    boolean v4 = false;
    boolean v6 = false;
    Link vlanGateway = null;
    for (CniResult.IpConfig ip : ips) {
      if (ip.gateway() == null) {
        continue;
      }
      if (conf.vlan() != 0 && vlanGateway == null) {
        vlanGateway = ensureVlanGateway(hostNl, conf);
      }
      Link target = vlanGateway != null ? vlanGateway : bridge;
      Bridges.ensureAddress(
          hostNl,
          target.name(),
          target.index(),
          new IpNet(ip.gateway(), ip.address().prefixLength()),
          conf.forceAddress());
      v4 |= ip.isV4();
      v6 |= !ip.isV4();
    }
    if (v4) {
      host.ensureSysctl("net/ipv4/ip_forward", "1");
    }
    if (v6) {
      host.ensureSysctl("net/ipv6/conf/all/forwarding", "1");
    }
    return vlanGateway;
  }

  /**
   * The reference plugin's VLAN gateway: with vlan filtering the bridge's own address would sit in
   * VLAN 1, so the gateway lives on a host-side veth {@code <bridge>.<vlan>} whose peer is a bridge
   * port carrying the VLAN as untagged PVID, like every pod port. Created once, then reused.
   */
  private Link ensureVlanGateway(Netlink hostNl, BridgeConf conf) {
    String name = conf.bridge() + "." + conf.vlan();
    Optional<Link> existing = hostNl.link(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    int mtu = hostNl.requireLink(conf.bridge()).mtu();
    String peer = null;
    for (int attempt = 0; peer == null; attempt++) {
      // Unique, not secret: a collision is retried (EEXIST), and SecureRandom's provider set-up
      // is a visible part of the binary's start-up.
      byte[] b = new byte[4];
      ThreadLocalRandom.current().nextBytes(b);
      String candidate = "veth" + HexFormat.of().formatHex(b);
      try {
        hostNl.createVeth(new VethSpec(name, candidate, mtu, null, null, 0));
        peer = candidate;
      } catch (LinuxException e) {
        if (e.errno() != Errno.EEXIST || attempt >= 10 || hostNl.link(name).isPresent()) {
          throw e;
        }
      }
    }
    hostNl.setUp(peer, true);
    hostNl.setMaster(peer, conf.bridge());
    hostNl.setHairpin(peer, false);
    hostNl.addBridgeVlan(peer, conf.vlan(), true, true);
    hostNl.setUp(name, true);
    return hostNl.requireLink(name);
  }

  private static Path requireNetns(String netns) {
    if (netns == null || netns.isEmpty()) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT, "required env variable CNI_NETNS missing");
    }
    Path p = Path.of(netns);
    if (!Files.exists(p)) {
      throw new CniException(
          CniException.PLUGIN_FAILURE,
          "failed to open netns \"" + netns + "\": no such file or directory");
    }
    return p;
  }
}
