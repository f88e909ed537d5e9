package io.kuark.linux;

import static io.kuark.linux.NetnsFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every test works in its own throwaway namespaces; iproute2 checks what the kernel now holds. */
class NetlinkIT {
  private NetnsFixture fx;
  private Path a;
  private Path b;
  private Netlink nl;

  @BeforeEach
  void setUp() throws Exception {
    fx = new NetnsFixture();
    a = fx.create("a");
    b = fx.create("b");
    nl = fx.linux.netlink(a);
  }

  @AfterEach
  void tearDown() throws Exception {
    nl.close();
    fx.close();
  }

  private static InetAddress addr(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void listsLoopbackOfAFreshNamespace() {
    assertThat(nl.links()).extracting(Link::name).containsExactly("lo");
    Link lo = nl.requireLink("lo");
    assertThat(lo.index()).isEqualTo(1);
    assertThat(lo.isUp()).isFalse();
    nl.setUp("lo", true);
    assertThat(nl.requireLink("lo").isUp()).isTrue();
    assertThat(nl.link("nope")).isEmpty();
    assertThatThrownBy(() -> nl.requireLink("nope"))
        .isInstanceOfSatisfying(
            NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
  }

  @Test
  void bridgeWithVethPortMtuMacHairpinAndPeerInOtherNamespace() throws Exception {
    nl.createBridge("ktbr0", 1400, false);
    nl.createVeth(new VethSpec("ktv0", "eth0", 1400, "02:42:0a:63:00:02", b, 0));
    nl.setMaster("ktv0", "ktbr0");
    nl.setUp("ktbr0", true);
    nl.setUp("ktv0", true);
    nl.setHairpin("ktv0", true);
    nl.setPromisc("ktbr0", true);

    Link br = nl.requireLink("ktbr0");
    Link veth = nl.requireLink("ktv0");
    assertThat(br.kind()).isEqualTo("bridge");
    assertThat(veth.kind()).isEqualTo("veth");
    assertThat(veth.masterIndex()).isEqualTo(br.index());
    assertThat(veth.mac()).isEqualTo("02:42:0a:63:00:02");
    assertThat(br.isPromisc()).isTrue();

    String vethOut = ip(a, "-d", "link", "show", "ktv0");
    assertThat(vethOut)
        .contains("mtu 1400")
        .contains("master ktbr0")
        .contains("hairpin on")
        .contains("link/ether 02:42:0a:63:00:02")
        .contains("veth");
    assertThat(ip(a, "-d", "link", "show", "ktbr0")).contains("bridge").contains("PROMISC");
    assertThat(ip(b, "-d", "link", "show", "eth0")).contains("mtu 1400").contains("veth");
    assertThat(ip(a, "-o", "link")).doesNotContain("eth0");
    assertThat(ip(a, "link", "show", "ktv0")).doesNotContain("qlen");
    assertThat(ip(b, "link", "show", "eth0")).doesNotContain("qlen");

    nl.setHairpin("ktv0", false);
    assertThat(ip(a, "-d", "link", "show", "ktv0")).contains("hairpin off");
    nl.setMtu("ktv0", 1300);
    nl.setMac("ktv0", "02:00:00:00:00:aa");
    nl.setMaster("ktv0", null);
    nl.setUp("ktv0", false);
    String after = ip(a, "-d", "link", "show", "ktv0");
    assertThat(after).contains("mtu 1300").contains("02:00:00:00:00:aa").doesNotContain("master");
    assertThat(nl.requireLink("ktv0").isUp()).isFalse();

    assertThat(nl.deleteLink("ktv0")).isTrue();
    assertThat(nl.deleteLink("ktv0")).isFalse();
    assertThat(ip(b, "-o", "link")).doesNotContain("eth0");
  }

  @Test
  void batchCreatesAnEnslavedUpVethConfiguresItAndReadsItBackInOneExchange() throws Exception {
    nl.createBridge("ktbb0", 0, false);
    int br = nl.requireLink("ktbb0").index();
    java.util.List<Link> links =
        nl.batch()
            .createVeth(new VethSpec("ktbv0", "eth0", 1400, null, b, 0), br, true)
            .getLink("ktbv0")
            .execute();
    assertThat(links).hasSize(1);
    Link hv = links.get(0);
    assertThat(hv.name()).isEqualTo("ktbv0");
    assertThat(hv.masterIndex()).isEqualTo(br);
    assertThat(hv.isUp()).isTrue();
    assertThat(hv.mtu()).isEqualTo(1400);
    assertThat(ip(a, "-d", "link", "show", "ktbv0"))
        .contains("master ktbb0")
        .contains("hairpin off");

    nl.batch().setHairpin(hv.index(), true).execute();
    assertThat(ip(a, "-d", "link", "show", "ktbv0")).contains("hairpin on");

    try (Netlink inB = fx.linux.netlink(b)) {
      Link cv = inB.batch().setUp("eth0", true).getLink("eth0").execute().get(0);
      assertThat(cv.isUp()).isTrue();
      assertThat(cv.mtu()).isEqualTo(1400);
      inB.batch()
          .addAddress(cv.index(), addr("10.77.0.2"), 24)
          .addRoute(Route.via(null, 0, addr("10.77.0.1"), cv.index()))
          .execute();
    }
    assertThat(ip(b, "-4", "addr", "show", "eth0")).contains("inet 10.77.0.2/24 brd 10.77.0.255");
    assertThat(ip(b, "-4", "route")).contains("default via 10.77.0.1 dev eth0");
  }

  @Test
  void batchReportsTheFirstFailureAfterEveryRequestWasAnswered() throws Exception {
    nl.createBridge("ktbd0", 0, false);
    int d = nl.requireLink("ktbd0").index();
    NetlinkBatch batch =
        nl.batch()
            .setUp("ktbd0", true)
            .setUp("ktnone", true) // no such link
            .addAddress(d, addr("10.78.0.1"), 24);
    assertThat(batch.size()).isEqualTo(3);
    assertThatThrownBy(batch::execute)
        .isInstanceOfSatisfying(
            NetlinkException.class,
            e -> {
              assertThat(e.errno()).isEqualTo(Errno.ENODEV);
              assertThat(e.getMessage()).contains("ktnone");
            });
    // The kernel carried on after the failed request; the socket has no stray replies left.
    assertThat(ip(a, "-4", "addr", "show", "ktbd0")).contains("10.78.0.1/24");
    assertThat(nl.requireLink("ktbd0").isUp()).isTrue();
    assertThat(nl.batch().execute()).isEmpty();
    assertThatThrownBy(() -> nl.batch().addAddress(d, addr("10.78.0.1"), 24).execute())
        .isInstanceOfSatisfying(
            NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
  }

  @Test
  void moveLinkIntoAnotherNamespace() throws Exception {
    nl.createVeth(new VethSpec("ktm0", "ktm1", 0, null, null));
    nl.moveToNetns("ktm1", b);
    assertThat(nl.link("ktm1")).isEmpty();
    assertThat(ip(b, "-o", "link", "show", "ktm1")).contains("ktm1");
    try (Netlink inB = fx.linux.netlink(b)) {
      assertThat(inB.requireLink("ktm1").kind()).isEqualTo("veth");
    }
  }

  @Test
  void duplicateLinkIsEexistWithKernelMessage() {
    nl.createBridge("ktdup", 0, false);
    assertThatThrownBy(() -> nl.createBridge("ktdup", 0, false))
        .isInstanceOfSatisfying(
            NetlinkException.class,
            e -> {
              assertThat(e.errno()).isEqualTo(Errno.EEXIST);
              assertThat(e.getMessage()).contains("File exists");
            });
  }

  @Test
  void vxlanDevice() throws Exception {
    nl.createBridge("ktund", 0, false);
    nl.createVxlan(new VxlanSpec("ktvx0", 4242, addr("10.99.200.1"), 4789, 0, false, 1450));
    String out = ip(a, "-d", "link", "show", "ktvx0");
    assertThat(out)
        .contains("vxlan id 4242")
        .contains("local 10.99.200.1")
        .contains("dstport 4789")
        .contains("nolearning")
        .contains("mtu 1450");
    assertThat(nl.requireLink("ktvx0").kind()).isEqualTo("vxlan");

    nl.replaceNeighbour(
        new Neighbour(
            nl.requireLink("ktvx0").index(),
            Neighbour.AF_BRIDGE,
            addr("10.99.200.2"),
            "02:11:22:33:44:55",
            Neighbour.NUD_PERMANENT,
            Neighbour.NTF_SELF));
    Process p =
        new ProcessBuilder("nsenter", "--net=" + a, "bridge", "fdb", "show", "dev", "ktvx0")
            .redirectErrorStream(true)
            .start();
    String fdb = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    assertThat(fdb).contains("02:11:22:33:44:55 dst 10.99.200.2");
    assertThat(nl.neighbours(Neighbour.AF_BRIDGE))
        .anySatisfy(
            n -> {
              assertThat(n.mac()).isEqualTo("02:11:22:33:44:55");
              assertThat(n.destination()).isEqualTo(addr("10.99.200.2"));
            });
    assertThat(
            nl.deleteNeighbour(
                new Neighbour(
                    nl.requireLink("ktvx0").index(),
                    Neighbour.AF_BRIDGE,
                    addr("10.99.200.2"),
                    "02:11:22:33:44:55",
                    Neighbour.NUD_PERMANENT,
                    Neighbour.NTF_SELF)))
        .isTrue();
  }

  @Test
  void dummyLinkHoldsALocalSlash32() throws Exception {
    // Some kernels are built without CONFIG_DUMMY; then both must be refused alike.
    Process probe =
        new ProcessBuilder("nsenter", "--net=" + b, "ip", "link", "add", "ktprobe", "type", "dummy")
            .redirectErrorStream(true)
            .start();
    String probeOut = new String(probe.getInputStream().readAllBytes());
    if (probe.waitFor() != 0) {
      assertThat(probeOut).contains("Unknown device type");
      assertThatThrownBy(() -> nl.createDummy("ktdns"))
          .isInstanceOfSatisfying(
              NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTSUP));
      assertThat(nl.link("ktdns")).isEmpty();
      return;
    }
    nl.createDummy("ktdns");
    nl.setUp("ktdns", true);
    nl.addAddress("ktdns", addr("10.43.0.10"), 32);
    assertThat(nl.requireLink("ktdns").kind()).isEqualTo("dummy");
    assertThat(ip(a, "-d", "link", "show", "ktdns")).contains("dummy");
    assertThat(ip(a, "addr", "show", "ktdns")).contains("inet 10.43.0.10/32");
    // A local address wins over any route: the kernel delivers to this host.
    assertThat(ip(a, "route", "get", "10.43.0.10")).startsWith("local 10.43.0.10");
    assertThatThrownBy(() -> nl.createDummy("ktdns"))
        .isInstanceOfSatisfying(
            NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
    assertThat(nl.deleteLink("ktdns")).isTrue();
    assertThat(nl.link("ktdns")).isEmpty();
  }

  @Test
  void addressesV4AndV6() throws Exception {
    nl.createBridge("ktaddr", 0, false);
    nl.setUp("ktaddr", true);
    nl.addAddress("ktaddr", addr("10.99.7.1"), 24);
    nl.addAddress("ktaddr", addr("fd00:99:7::1"), 64);
    String out = ip(a, "addr", "show", "ktaddr");
    assertThat(out).contains("inet 10.99.7.1/24 brd 10.99.7.255").contains("inet6 fd00:99:7::1/64");
    assertThat(nl.addresses("ktaddr"))
        .extracting(IfAddress::cidr)
        .contains("10.99.7.1/24", "fd00:99:7:0:0:0:0:1/64");
    assertThatThrownBy(() -> nl.addAddress("ktaddr", addr("10.99.7.1"), 24))
        .isInstanceOfSatisfying(
            NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
    assertThat(nl.deleteAddress("ktaddr", addr("10.99.7.1"), 24)).isTrue();
    assertThat(nl.deleteAddress("ktaddr", addr("10.99.7.1"), 24)).isFalse();
    assertThat(ip(a, "addr", "show", "ktaddr")).doesNotContain("10.99.7.1");
  }

  @Test
  void routesViaGatewayOnlinkDevBlackholeAndTable() throws Exception {
    nl.createBridge("ktrt", 0, false);
    nl.setUp("ktrt", true);
    nl.addAddress("ktrt", addr("10.99.8.1"), 24);
    int idx = nl.requireLink("ktrt").index();

    nl.addRoute(Route.via(addr("10.99.9.0"), 24, addr("10.99.8.254"), idx));
    nl.addRoute(Route.via(addr("10.99.10.0"), 24, addr("192.0.2.1"), idx).withOnlink(true));
    nl.addRoute(Route.dev(addr("10.99.11.0"), 24, idx));
    nl.addRoute(Route.blackhole(addr("10.99.12.0"), 24));
    nl.addRoute(Route.via(null, 0, addr("10.99.8.254"), idx));
    nl.addRoute(Route.via(addr("10.99.13.0"), 24, addr("10.99.8.253"), idx).withTable(100));

    String main = ip(a, "route", "show");
    assertThat(main)
        .contains("default via 10.99.8.254 dev ktrt")
        .contains("10.99.9.0/24 via 10.99.8.254 dev ktrt")
        .contains("10.99.10.0/24 via 192.0.2.1 dev ktrt")
        .contains("onlink")
        .contains("10.99.11.0/24 dev ktrt scope link")
        .contains("blackhole 10.99.12.0/24");
    assertThat(ip(a, "route", "show", "table", "100")).contains("10.99.13.0/24 via 10.99.8.253");

    assertThat(nl.routes(2))
        .anySatisfy(
            r -> {
              assertThat(r.destinationCidr()).isEqualTo("10.99.12.0/24");
              assertThat(r.type()).isEqualTo(Route.TYPE_BLACKHOLE);
            });
    assertThat(nl.routes(2))
        .anySatisfy(
            r -> {
              assertThat(r.destinationCidr()).isEqualTo("10.99.13.0/24");
              assertThat(r.table()).isEqualTo(100);
            });
    assertThat(nl.routes(2))
        .anySatisfy(
            r -> {
              assertThat(r.destinationCidr()).isEqualTo("10.99.10.0/24");
              assertThat(r.onlink()).isTrue();
            });

    assertThatThrownBy(() -> nl.addRoute(Route.blackhole(addr("10.99.12.0"), 24)))
        .isInstanceOfSatisfying(
            NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
    nl.replaceRoute(Route.via(addr("10.99.9.0"), 24, addr("10.99.8.250"), idx));
    assertThat(ip(a, "route", "show")).contains("10.99.9.0/24 via 10.99.8.250");

    assertThat(nl.deleteRoute(Route.blackhole(addr("10.99.12.0"), 24))).isTrue();
    assertThat(nl.deleteRoute(Route.blackhole(addr("10.99.12.0"), 24))).isFalse();
    assertThat(
            nl.deleteRoute(
                Route.via(addr("10.99.13.0"), 24, addr("10.99.8.253"), idx).withTable(100)))
        .isTrue();
    assertThat(ip(a, "route", "show")).doesNotContain("10.99.12.0");
  }

  @Test
  void gatewayNotOnLinkReportsKernelReason() throws Exception {
    nl.createBridge("ktgw", 0, false);
    nl.setUp("ktgw", true);
    int idx = nl.requireLink("ktgw").index();
    assertThatThrownBy(
            () -> nl.addRoute(Route.via(addr("10.99.20.0"), 24, addr("192.0.2.77"), idx)))
        .isInstanceOfSatisfying(
            NetlinkException.class,
            e -> {
              assertThat(e.errno()).isIn(101, 22); // ENETUNREACH, or EINVAL on some kernels
              assertThat(e.getMessage()).contains("add route 10.99.20.0/24");
            });
  }

  @Test
  void ipv6Routes() throws Exception {
    nl.createBridge("ktr6", 0, false);
    nl.setUp("ktr6", true);
    int idx = nl.requireLink("ktr6").index();
    nl.addRoute(Route.dev(addr("fd00:99:21::"), 64, idx).withScope(Route.SCOPE_UNIVERSE));
    nl.addRoute(Route.blackhole(addr("fd00:99:22::"), 64));
    String out = ip(a, "-6", "route", "show");
    assertThat(out).contains("fd00:99:21::/64 dev ktr6").contains("blackhole fd00:99:22::/64");
    assertThat(nl.deleteRoute(Route.blackhole(addr("fd00:99:22::"), 64))).isTrue();
  }

  @Test
  void bridgeVlanFilteringAndPortVlanMatchWhatIproute2GetsFromThisKernel() throws Exception {
    // Some kernels are built without CONFIG_BRIDGE_VLAN_FILTERING; then both must be refused alike.
    Process probe =
        new ProcessBuilder(
                "nsenter",
                "--net=" + b,
                "ip",
                "link",
                "add",
                "ktprobe",
                "type",
                "bridge",
                "vlan_filtering",
                "1")
            .redirectErrorStream(true)
            .start();
    String probeOut = new String(probe.getInputStream().readAllBytes());
    boolean supported = probe.waitFor() == 0;
    if (!supported) {
      assertThat(probeOut).contains("Operation not supported");
      assertThatThrownBy(() -> nl.createBridge("ktvl", 0, true))
          .isInstanceOfSatisfying(
              NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTSUP));
      assertThat(nl.link("ktvl")).isEmpty();
      return;
    }
    nl.createBridge("ktvl", 0, true);
    nl.createVeth(new VethSpec("ktvp", "ktvq", 0, null, null));
    nl.setMaster("ktvp", "ktvl");
    nl.addBridgeVlan("ktvp", 42, true, true);
    assertThat(ip(a, "-d", "link", "show", "ktvl")).contains("vlan_filtering 1");
    Process p =
        new ProcessBuilder("nsenter", "--net=" + a, "bridge", "vlan", "show", "dev", "ktvp")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    assertThat(out).contains("42 PVID Egress Untagged");
  }

  @Test
  void neighbourEntries() throws Exception {
    nl.createBridge("ktnb", 0, false);
    nl.setUp("ktnb", true);
    nl.addAddress("ktnb", addr("10.99.30.1"), 24);
    int idx = nl.requireLink("ktnb").index();
    Neighbour n =
        new Neighbour(
            idx,
            Neighbour.AF_INET,
            addr("10.99.30.9"),
            "02:aa:bb:cc:dd:ee",
            Neighbour.NUD_PERMANENT,
            0);
    nl.replaceNeighbour(n);
    assertThat(ip(a, "neigh", "show", "dev", "ktnb"))
        .contains("10.99.30.9 lladdr 02:aa:bb:cc:dd:ee PERMANENT");
    assertThat(nl.deleteNeighbour(n)).isTrue();
    assertThat(nl.deleteNeighbour(n)).isFalse();
  }
}
