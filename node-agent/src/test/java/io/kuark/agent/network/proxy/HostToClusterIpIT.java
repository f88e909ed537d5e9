package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static io.kuark.agent.network.proxy.TestNetns.in;
import static io.kuark.agent.network.proxy.TestNetns.must;
import static io.kuark.agent.network.proxy.TestNetns.mustIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.linux.NetlinkHostRoutes;
import io.kuark.agent.testing.MockApi;
import io.kuark.linux.Errno;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.kuark.linux.NetlinkException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "host" reaching a ClusterIP with the agent's routes, inside a namespace this test makes (the
 * node) with an httpd "pod" in a second one: the service CIDR's blackhole (as an older agent left
 * it, at metric 0, migrated to the fallback metric), the preferred route into a dummy link, the
 * real proxy's nftables table. A default route into the pod namespace stands in for the uplink, so
 * a wrong route would show up as "via" in {@code ip route get}.
 */
class HostToClusterIpIT {
  static final String TABLE = "kuark-proxy-hostit";
  static final String POD_CIDR = "10.215.0.0/16";
  static final String NODE_IP = "10.215.0.1";
  static final String POD_IP = "10.215.0.11";
  static final String UPLINK_GW = "10.215.0.254";
  static final String SERVICE_CIDR = "10.216.0.0/16";
  static final String CLUSTER_DNS = "10.216.0.10";
  static final String WEB_IP = "10.216.0.20";
  static final String UNKNOWN_IP = "10.216.0.99";
  static final String DUMMY = "kuark-dns-it";

  @TempDir Path dir;
  String node;
  String pods;
  Process server;
  MockApi api;
  ServiceProxy proxy;
  NetlinkHostRoutes routes;

  @BeforeEach
  void setUp() throws Exception {
    String id = Integer.toHexString(0x100000 + new SecureRandom().nextInt(0xEFFFFF));
    node = "khn" + id;
    pods = "khp" + id;
    String veth = "khv" + id;
    must("ip", "netns", "add", node);
    must("ip", "netns", "add", pods);
    must(
        "ip", "link", "add", veth, "netns", node, "type", "veth", "peer", "name", "eth0", "netns",
        pods);
    mustIn(node, "ip", "link", "set", "lo", "up");
    mustIn(pods, "ip", "link", "set", "lo", "up");
    mustIn(node, "ip", "addr", "add", NODE_IP + "/24", "dev", veth);
    mustIn(node, "ip", "link", "set", veth, "up");
    mustIn(node, "ip", "route", "add", "default", "via", UPLINK_GW);
    mustIn(pods, "ip", "addr", "add", POD_IP + "/24", "dev", "eth0");
    mustIn(pods, "ip", "link", "set", "eth0", "up");
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "pod\n");
    server =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                pods,
                "busybox",
                "httpd",
                "-f",
                "-p",
                POD_IP + ":8080",
                "-h",
                www.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("httpd.log").toFile())
            .start();
    for (int i = 0; i < 100 && !get(POD_IP + ":8080").equals("pod"); i++) {
      Thread.sleep(50);
    }
    assertThat(get(POD_IP + ":8080")).isEqualTo("pod");
    routes = new NetlinkHostRoutes(() -> Linux.get().netlink(TestNetns.path(node)));
    api = new MockApi();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (proxy != null) {
      proxy.close(true);
    }
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
    if (api != null) {
      api.close();
    }
    TestNetns.run("ip", "netns", "del", node);
    TestNetns.run("ip", "netns", "del", pods);
    assertThat(must("ip", "netns", "list")).doesNotContain(node).doesNotContain(pods);
  }

  /** HTTP GET from the node namespace; the page, or "exit N" for a curl error. */
  String get(String address) throws Exception {
    TestNetns.Result r = in(node, "curl", "-s", "-m", "2", "http://" + address + "/");
    return r.code() == 0 ? r.out().trim() : "exit " + r.code();
  }

  String routeGet(String ip) throws Exception {
    return in(node, "ip", "route", "get", ip).out();
  }

  @Test
  void hostReachesClusterIpWhileNothingLeavesTheNode() throws Exception {
    // An older agent's blackhole at metric 0: with it alone the host cannot even connect (EINVAL).
    mustIn(node, "ip", "route", "add", "blackhole", SERVICE_CIDR);
    routes.ensureBlackhole(SERVICE_CIDR);
    routes.ensureBlackhole(SERVICE_CIDR);
    assertThat(mustIn(node, "ip", "route", "show", "root", SERVICE_CIDR).trim())
        .isEqualTo("blackhole " + SERVICE_CIDR + " metric 1000");

    // The dummy link as the cluster DNS makes it, then the agent's preferred route into it.
    try (Netlink netlink = Linux.get().netlink(TestNetns.path(node))) {
      try {
        netlink.createDummy(DUMMY);
      } catch (NetlinkException e) {
        // Kernels without the dummy driver (this machine's): DnsLink makes an empty bridge.
        assertThat(e.errno()).isEqualTo(Errno.ENOTSUP);
        netlink.createBridge(DUMMY, 0, false);
      }
      netlink.setUp(DUMMY, true);
      netlink.addAddress(DUMMY, InetAddress.getByName(CLUSTER_DNS), 32);
    }
    routes.ensureLocalRoute(SERVICE_CIDR, DUMMY);
    routes.ensureLocalRoute(SERVICE_CIDR, DUMMY);
    assertThat(mustIn(node, "ip", "route", "show", "root", SERVICE_CIDR).lines().map(String::strip))
        .containsExactly(
            SERVICE_CIDR + " dev " + DUMMY + " scope link",
            "blackhole " + SERVICE_CIDR + " metric 1000");

    api.client().resource(service("demo", "web", WEB_IP, "TCP", 80).build()).create();
    api.client()
        .resource(slice("demo", "web", "TCP", 8080, List.of(Ep.ready(POD_IP, "node-a"))))
        .create();
    proxy =
        new ServiceProxy(
            new ProxyConfig(
                TABLE,
                "node-a",
                List.of(NODE_IP),
                POD_CIDR,
                CLUSTER_DNS,
                false,
                TestNetns.path(node)),
            api.client());
    proxy.start();
    assertThat(proxy.awaitSynced(Duration.ofSeconds(30))).isTrue();

    // The host's connection is DNATed to the pod and masqueraded to the node address: the pod
    // namespace has no route back to the dummy's address the kernel picked as source.
    assertThat(get(WEB_IP + ":80")).isEqualTo("pod");
    assertThat(routeGet(WEB_IP)).contains("dev " + DUMMY).doesNotContain("via");

    // A service address without rules goes into the dummy link and dies there (an empty bridge
    // has no port to send it to either).
    assertThat(routeGet(UNKNOWN_IP)).contains("dev " + DUMMY).doesNotContain("via");
    assertThat(get(UNKNOWN_IP + ":80")).startsWith("exit ");

    // Without the link the blackhole is back in force: no route at all, the default never wins.
    try (Netlink netlink = Linux.get().netlink(TestNetns.path(node))) {
      netlink.deleteLink(DUMMY);
    }
    assertThat(mustIn(node, "ip", "route", "show", "root", SERVICE_CIDR).trim())
        .isEqualTo("blackhole " + SERVICE_CIDR + " metric 1000");
    assertThat(routeGet(WEB_IP)).doesNotContain("via");
    assertThat(routeGet(UNKNOWN_IP)).doesNotContain("via");
    assertThat(get(WEB_IP + ":80")).startsWith("exit ");
  }
}
