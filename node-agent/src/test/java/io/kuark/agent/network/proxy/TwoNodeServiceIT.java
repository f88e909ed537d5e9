package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static io.kuark.agent.network.proxy.TestNetns.in;
import static io.kuark.agent.network.proxy.TestNetns.must;
import static io.kuark.agent.network.proxy.TestNetns.mustIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kuark.agent.testing.MockApi;
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
 * Two nodes simulated as network namespaces joined by a veth "wire" (10.218.0.1 and .2), each with
 * one pod namespace on a veth (pod CIDRs 10.219.1.0/24 and 10.219.2.0/24, host-gw routes across the
 * wire). Node A runs the service proxy; the Service's only endpoint is the pod on node B. Pod A
 * reaches it by ClusterIP: DNAT on node A, routed over the wire, reply un-DNATed on node A. Nothing
 * happens in the host namespace.
 */
class TwoNodeServiceIT {
  static final String TABLE = "kuark-proxy-2n";

  @TempDir Path dir;
  String id;
  Process httpd;
  MockApi api;
  ServiceProxy proxy;

  String ns(String role) {
    return "k2" + role + id;
  }

  @BeforeEach
  void setUp() throws Exception {
    id = Integer.toHexString(0x100000 + new SecureRandom().nextInt(0xEFFFFF));
    for (String role : List.of("a", "b", "pa", "pb")) {
      must("ip", "netns", "add", ns(role));
      mustIn(ns(role), "ip", "link", "set", "lo", "up");
    }
    link(ns("a"), "w" + id, "10.218.0.1/24", ns("b"), "w" + id, "10.218.0.2/24");
    link(ns("a"), "p" + id, "10.219.1.1/24", ns("pa"), "eth0", "10.219.1.2/24");
    link(ns("b"), "p" + id, "10.219.2.1/24", ns("pb"), "eth0", "10.219.2.2/24");
    mustIn(ns("pa"), "ip", "route", "add", "default", "via", "10.219.1.1");
    mustIn(ns("pb"), "ip", "route", "add", "default", "via", "10.219.2.1");
    // host-gw: each node routes the other node's pod CIDR over the wire.
    mustIn(ns("a"), "ip", "route", "add", "10.219.2.0/24", "via", "10.218.0.2");
    mustIn(ns("b"), "ip", "route", "add", "10.219.1.0/24", "via", "10.218.0.1");
    for (String node : List.of(ns("a"), ns("b"))) {
      mustIn(node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "pod-b\n");
    httpd =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns("pb"),
                "busybox",
                "httpd",
                "-f",
                "-p",
                "10.219.2.2:8080",
                "-h",
                www.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("httpd.log").toFile())
            .start();
    api = new MockApi();
  }

  static void link(String nsA, String nameA, String ipA, String nsB, String nameB, String ipB)
      throws Exception {
    String tmp = "t" + Integer.toHexString(new SecureRandom().nextInt(0xFFFFFF));
    must(
        "ip", "link", "add", tmp, "netns", nsA, "type", "veth", "peer", "name", nameB, "netns",
        nsB);
    mustIn(nsA, "ip", "link", "set", tmp, "name", nameA);
    mustIn(nsA, "ip", "addr", "add", ipA, "dev", nameA);
    mustIn(nsB, "ip", "addr", "add", ipB, "dev", nameB);
    mustIn(nsA, "ip", "link", "set", nameA, "up");
    mustIn(nsB, "ip", "link", "set", nameB, "up");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (proxy != null) {
      proxy.close(true);
    }
    if (httpd != null) {
      httpd.destroy();
      httpd.waitFor();
    }
    if (api != null) {
      api.close();
    }
    for (String role : List.of("a", "b", "pa", "pb")) {
      TestNetns.run("ip", "netns", "del", ns(role));
    }
    assertFalse(must("ip", "netns", "list").contains(id));
  }

  String getFromPodA(String address) throws Exception {
    TestNetns.Result r = in(ns("pa"), "curl", "-s", "-m", "3", "http://" + address + "/");
    return r.code() == 0 ? r.out().trim() : "exit " + r.code();
  }

  @Test
  void podOnNodeAReachesAServiceWhoseOnlyEndpointIsOnNodeB() throws Exception {
    // Pod networking across the wire works before any Service exists.
    String direct = "";
    for (int i = 0; i < 100 && !direct.equals("pod-b"); i++) {
      direct = getFromPodA("10.219.2.2:8080");
      Thread.sleep(direct.equals("pod-b") ? 0 : 50);
    }
    assertEquals("pod-b", direct);

    api.client().resource(service("demo", "web", "10.220.0.5", "TCP", 80).build()).create();
    api.client()
        .resource(slice("demo", "web", "TCP", 8080, List.of(Ep.ready("10.219.2.2", "node-b"))))
        .create();
    proxy =
        new ServiceProxy(
            new ProxyConfig(
                TABLE,
                "node-a",
                List.of("10.218.0.1"),
                "10.219.0.0/16",
                "10.220.0.10",
                false,
                TestNetns.path(ns("a")),
                "10.220.0.0/16"),
            api.client());
    proxy.start();
    assertTrue(proxy.awaitSynced(Duration.ofSeconds(30)), "proxy synced");

    assertEquals("pod-b", getFromPodA("10.220.0.5:80"));
    // Pod B saw pod A's own address (pod-to-Service traffic inside the cluster is not
    // masqueraded), so the reply went back over the wire to node A for un-DNAT.
    assertTrue(
        mustIn(ns("a"), "nft", "list", "table", "ip", TABLE).contains("10.219.2.2 . 8080"),
        "node A's table points at the endpoint on node B");
    assertEquals("exit 7", getFromPodA("10.220.0.6:80"), "unallocated address rejected");
  }
}
