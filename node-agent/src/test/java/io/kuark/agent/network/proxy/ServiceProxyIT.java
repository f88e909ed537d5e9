package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static io.kuark.agent.network.proxy.TestNetns.in;
import static io.kuark.agent.network.proxy.TestNetns.must;
import static io.kuark.agent.network.proxy.TestNetns.mustIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.agent.testing.MockApi;
import io.kuark.linux.NftRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy programming a real nftables table inside a network namespace this test makes (the
 * "node"), with three busybox httpd "pods" in a second namespace behind a veth pair. All traffic
 * stays between the two namespaces; the host's nftables and routes are untouched.
 */
class ServiceProxyIT {
  static final String TABLE = "kuark-proxy-it";
  static final String POD_CIDR = "10.213.0.0/16";
  static final String NODE_IP = "10.213.0.1";
  static final List<String> PODS = List.of("10.213.0.11", "10.213.0.12", "10.213.0.13");

  @TempDir Path dir;
  String node;
  String pods;
  String veth;
  final List<Process> servers = new ArrayList<>();
  MockApi api;
  ServiceProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    String id = Integer.toHexString(0x100000 + new SecureRandom().nextInt(0xEFFFFF));
    node = "kpn" + id;
    pods = "kpp" + id;
    veth = "kpv" + id;
    must("ip", "netns", "add", node);
    must("ip", "netns", "add", pods);
    must(
        "ip", "link", "add", veth, "netns", node, "type", "veth", "peer", "name", "eth0", "netns",
        pods);
    mustIn(node, "ip", "link", "set", "lo", "up");
    mustIn(pods, "ip", "link", "set", "lo", "up");
    mustIn(node, "ip", "addr", "add", NODE_IP + "/24", "dev", veth);
    mustIn(node, "ip", "link", "set", veth, "up");
    mustIn(pods, "ip", "link", "set", "eth0", "up");
    for (String ip : PODS) {
      mustIn(pods, "ip", "addr", "add", ip + "/24", "dev", "eth0");
    }
    // The service range is routed towards the pods' namespace, where nothing answers it: without
    // a rule no packet to a service address goes anywhere but into this test's namespaces.
    mustIn(node, "ip", "route", "add", "10.214.0.0/16", "dev", veth);
    for (String ip : PODS) {
      Path www = Files.createDirectories(dir.resolve(ip));
      Files.writeString(www.resolve("index.html"), ip + "\n");
      servers.add(
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  pods,
                  "busybox",
                  "httpd",
                  "-f",
                  "-p",
                  ip + ":8080",
                  "-h",
                  www.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(ip + ".log").toFile())
              .start());
    }
    for (String ip : PODS) {
      awaitAnswer(ip + ":8080");
    }
    api = new MockApi();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (proxy != null) {
      proxy.close(true);
    }
    for (Process p : servers) {
      p.destroy();
      p.waitFor();
    }
    if (api != null) {
      api.close();
    }
    TestNetns.run("ip", "netns", "del", node);
    TestNetns.run("ip", "netns", "del", pods);
    assertFalse(must("ip", "netns", "list").contains(node));
  }

  void awaitAnswer(String address) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (in(node, "curl", "-s", "-m", "2", "http://" + address + "/").code() == 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no server on " + address);
  }

  ServiceProxy startProxy() throws Exception {
    ProxyConfig config =
        new ProxyConfig(
            TABLE,
            "node-a",
            List.of(NODE_IP),
            POD_CIDR,
            "10.214.0.10",
            false,
            TestNetns.path(node),
            "10.214.0.0/16");
    ServiceProxy p = new ServiceProxy(config, api.client());
    p.start();
    assertTrue(p.awaitSynced(Duration.ofSeconds(30)), "proxy synced");
    return p;
  }

  void synced() throws InterruptedException {
    assertTrue(proxy.awaitSynced(Duration.ofSeconds(30)), "proxy synced");
  }

  /**
   * Waits (up to 30 s) until a request to {@code address} gets {@code page}: the watch event may
   * reach the informer a moment after the API call returned.
   */
  void awaitPage(String address, String page) throws Exception {
    for (int i = 0; i < 300; i++) {
      synced();
      if (get(address).equals(page)) {
        return;
      }
      Thread.sleep(100);
    }
    assertEquals(page, get(address));
  }

  /** Waits (up to 30 s) until the proxy table no longer / again mentions {@code text}. */
  void awaitTable(String text, boolean present) throws Exception {
    for (int i = 0; i < 300; i++) {
      synced();
      if (mustIn(node, "nft", "list", "table", "ip", TABLE).contains(text) == present) {
        return;
      }
      Thread.sleep(100);
    }
    assertEquals(present, mustIn(node, "nft", "list", "table", "ip", TABLE).contains(text));
  }

  /** Waits (up to 30 s) until the proxy table mentions {@code text} exactly {@code n} times. */
  void awaitCount(String text, int n) throws Exception {
    String table = "";
    for (int i = 0; i < 300; i++) {
      synced();
      table = mustIn(node, "nft", "list", "table", "ip", TABLE);
      if (table.split(java.util.regex.Pattern.quote(text), -1).length - 1 == n) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(text + " never appeared " + n + " times in\n" + table);
  }

  /** HTTP GET from inside the node namespace; returns the page, or "exit N" for a curl error. */
  String get(String address) throws Exception {
    TestNetns.Result r = in(node, "curl", "-s", "-m", "3", "http://" + address + "/");
    return r.code() == 0 ? r.out().trim() : "exit " + r.code();
  }

  Set<String> answers(String address, int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      seen.add(get(address));
    }
    return seen;
  }

  static List<Ep> ready(List<String> ips) {
    List<Ep> eps = new ArrayList<>();
    for (String ip : ips) {
      eps.add(Ep.ready(ip, "node-a"));
    }
    return eps;
  }

  @Test
  void clusterIpNodePortLoadBalancerAffinityRejectAndScaleDown() throws Exception {
    // A leftover table of an earlier agent: the first sync replaces it in one transaction.
    mustIn(node, "nft", "add table ip " + TABLE + "; add chain ip " + TABLE + " stale-chain");
    KubernetesClient client = api.client();
    Service web =
        service("demo", "web", "10.214.0.20", "TCP", 80)
            .editSpec()
            .withType("LoadBalancer")
            .editFirstPort()
            .withNodePort(30080)
            .endPort()
            .endSpec()
            .build();
    client.resource(web).create();
    EndpointSlice slice = slice("demo", "web", "TCP", 8080, ready(PODS));
    client.resource(slice).create();
    Service sticky =
        service("demo", "sticky", "10.214.0.21", "TCP", 80)
            .editSpec()
            .withSessionAffinity("ClientIP")
            .withNewSessionAffinityConfig()
            .withNewClientIP()
            .withTimeoutSeconds(600)
            .endClientIP()
            .endSessionAffinityConfig()
            .endSpec()
            .build();
    client.resource(sticky).create();
    client
        .resource(
            slice("demo", "sticky", "TCP", 8080, ready(List.of("10.213.0.11", "10.213.0.13"))))
        .create();
    client.resource(service("demo", "empty", "10.214.0.22", "TCP", 80).build()).create();
    // A plain ClusterIP Service: dispatched by a shared pick chain from the endpoints map.
    client.resource(service("demo", "plain", "10.214.0.23", "TCP", 80).build()).create();
    client.resource(slice("demo", "plain", "TCP", 8080, ready(PODS))).create();
    // The cluster DNS Service is served node-locally: no rules for it.
    client.resource(service("kube-system", "kube-dns", "10.214.0.10", "TCP", 53).build()).create();
    client.resource(slice("kube-system", "kube-dns", "TCP", 53, ready(PODS))).create();

    proxy = startProxy();
    String table = mustIn(node, "nft", "list", "table", "ip", TABLE);
    assertFalse(table.contains("stale-chain"), table);
    assertFalse(table.contains("10.214.0.10 . tcp"), table);
    // ... and the unallocated-address reject spares it.
    assertTrue(table.contains("ip daddr != 10.214.0.10 reject"), table);

    // ClusterIP: every endpoint answers (random choice; 60 requests miss one with p < 1e-10).
    assertEquals(new HashSet<>(PODS), answers("10.214.0.20:80", 60));
    // NodePort on the node address, LoadBalancer on the node address at the service port.
    assertEquals(new HashSet<>(PODS), answers(NODE_IP + ":30080", 60));
    assertEquals(new HashSet<>(PODS), answers(NODE_IP + ":80", 60));
    // Session affinity: one client sticks to one endpoint.
    assertEquals(1, answers("10.214.0.21:80", 20).size());
    // No endpoints: rejected (curl exit 7 = connection refused), not a time-out.
    assertEquals("exit 7", get("10.214.0.22:80"));
    assertEquals(new HashSet<>(PODS), answers("10.214.0.23:80", 60));
    assertTrue(
        mustIn(node, "nft", "list", "table", "ip", TABLE).contains("goto pick-3"), "shared pick");
    // A port the Service does not have, and an address no Service has: rejected, not dropped
    // (curl's time-out would be exit 28).
    assertEquals("exit 7", get("10.214.0.23:81"));
    assertEquals("exit 7", get("10.214.0.99:80"));
    // The agent's address went into the LoadBalancer status.
    awaitIngress(client, List.of(NODE_IP));

    // Scale 3 -> 1: only the survivor answers.
    client.resource(slice("demo", "web", "TCP", 8080, ready(List.of("10.213.0.12")))).update();
    // Only the sticky Service still has an endpoint chain for the removed pods.
    awaitCount("dnat to 10.213.0.11:8080", 1);
    assertEquals(Set.of("10.213.0.12"), answers("10.214.0.20:80", 20));

    // Endpoints appear for the empty Service: it answers instead of rejecting.
    client.resource(slice("demo", "empty", "TCP", 8080, ready(List.of("10.213.0.13")))).create();
    awaitPage("10.214.0.22:80", "10.213.0.13");

    // Type back to ClusterIP: no NodePort, no LB address, and the agent's ingress IP is removed.
    Service current = client.services().inNamespace("demo").withName("web").get();
    current.getSpec().setType("ClusterIP");
    current.getSpec().getPorts().get(0).setNodePort(null);
    client.resource(current).update();
    awaitTable("30080", false);
    awaitIngress(client, List.of());
    assertEquals("exit 7", get(NODE_IP + ":30080"));

    // Service deleted: its address rejects nothing and routes nowhere.
    client.services().inNamespace("demo").withName("web").delete();
    awaitTable("10.214.0.20", false);
  }

  void awaitIngress(KubernetesClient client, List<String> want) throws Exception {
    for (int i = 0; i < 200; i++) {
      Service s = client.services().inNamespace("demo").withName("web").get();
      if (LoadBalancerIngressWriter.current(s).equals(want)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("load balancer ingress never became " + want);
  }

  List<String> udpFlows() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : mustIn(node, "cat", "/proc/net/nf_conntrack").split("\n")) {
      if (line.contains(" udp ") && line.contains("dst=10.214.0.30 ")) {
        out.add(line);
      }
    }
    return out;
  }

  @Test
  void removedUdpEndpointLosesItsConntrackEntries() throws Exception {
    KubernetesClient client = api.client();
    client.resource(service("demo", "dns", "10.214.0.30", "UDP", 53).build()).create();
    client.resource(slice("demo", "dns", "UDP", 5353, ready(List.of("10.213.0.11")))).create();
    proxy = startProxy();
    // A UDP "client" in the node namespace: its flow is DNATed to the only endpoint.
    mustIn(node, "bash", "-c", "echo q > /dev/udp/10.214.0.30/53");
    List<String> flows = udpFlows();
    assertEquals(1, flows.size(), flows.toString());
    assertTrue(flows.get(0).contains("src=10.213.0.11 "), flows.get(0));

    // The endpoint moves: the flow to the old one is flushed (it would otherwise live on as long
    // as the client keeps sending).
    client.resource(slice("demo", "dns", "UDP", 5353, ready(List.of("10.213.0.12")))).update();
    awaitCount("10.213.0.12 . 5353", 1);
    // The flush follows the committed transaction, so the rules can be seen a moment before it.
    List<String> left = udpFlows();
    for (int i = 0; i < 300 && !left.isEmpty(); i++) {
      Thread.sleep(100);
      left = udpFlows();
    }
    assertEquals(List.of(), left);
    mustIn(node, "bash", "-c", "echo q > /dev/udp/10.214.0.30/53");
    assertTrue(udpFlows().get(0).contains("src=10.213.0.12 "), udpFlows().toString());
  }

  @Test
  void stopKeepsTheRulesUnlessAskedToRemoveThem() throws Exception {
    api.client().resource(service("demo", "web", "10.214.0.20", "TCP", 80).build()).create();
    api.client().resource(slice("demo", "web", "TCP", 8080, ready(PODS))).create();
    ServiceProxy first = startProxy();
    first.close(false);
    // Pods stay reachable while the agent is down.
    assertTrue(PODS.contains(get("10.214.0.20:80")));
    ServiceProxy second = startProxy();
    assertTrue(PODS.contains(get("10.214.0.20:80")));
    second.close(true);
    assertNull(new NftRunner(TestNetns.path(node)).list(TABLE));
  }
}
