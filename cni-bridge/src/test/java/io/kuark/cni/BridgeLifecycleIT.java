package io.kuark.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.result.CniResult;
import io.kuark.linux.Netlink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kuark-bridge behaviour beyond the differential test, in-process on a simulated host. */
class BridgeLifecycleIT {
  private TestHost h;
  private KuarkBridge bridge;

  @BeforeEach
  void setUp() throws Exception {
    h = new TestHost();
    bridge = new KuarkBridge(h.linux, h.hostNs);
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private String conf(String version, String extra) {
    return ("{\"cniVersion\":\"%s\",\"name\":\"%s\",\"type\":\"kuark-bridge\",\"bridge\":\"%s\","
            + "\"isGateway\":true,\"isDefaultGateway\":true%s,"
            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"%s\",\"ranges\":[[{\"subnet\":\"10.99.40.0/24\"}]]}}")
        .formatted(version, h.network(), h.bridge(), extra, h.dataDir);
  }

  private CniRequest req(String cmd, Path ns, String id, String conf) {
    return new CniRequest(
        cmd,
        id,
        ns == null ? "" : ns.toString(),
        "eth0",
        "",
        Plugins.CNI_PATH,
        conf.getBytes(StandardCharsets.UTF_8));
  }

  private String withPrev(String conf, CniResult prev) throws Exception {
    ObjectNode o = (ObjectNode) Snapshot.JSON.readTree(conf);
    o.set("prevResult", Snapshot.JSON.readTree(KuarkBridge.toJson(prev)));
    return Snapshot.JSON.writeValueAsString(o);
  }

  @Test
  void checkPassesThenDetectsDrift() throws Exception {
    Path pod = h.newNetns("pod");
    String conf = conf("1.1.0", "");
    CniResult result = bridge.add(req("ADD", pod, "c-check", conf));
    String withPrev = withPrev(conf, result);
    bridge.check(req("CHECK", pod, "c-check", withPrev));

    // Drift 1: the host veth leaves the bridge; repaired, CHECK passes again.
    String hostVeth = result.interfaces().get(1).name();
    try (Netlink nl = h.linux.netlink(h.hostNs)) {
      nl.setMaster(hostVeth, null);
    }
    assertThatThrownBy(() -> bridge.check(req("CHECK", pod, "c-check", withPrev)))
        .hasMessageContaining("not attached to bridge");
    try (Netlink nl = h.linux.netlink(h.hostNs)) {
      nl.setMaster(hostVeth, h.bridge());
    }
    bridge.check(req("CHECK", pod, "c-check", withPrev));

    // Drift 2: someone removes the pod's address (and with it the routes via the gateway).
    try (Netlink nl = h.linux.netlink(pod)) {
      nl.deleteAddress("eth0", result.ips().get(0).address().address(), 24);
    }
    assertThatThrownBy(() -> bridge.check(req("CHECK", pod, "c-check", withPrev)))
        .isInstanceOfSatisfying(
            CniException.class,
            e -> {
              assertThat(e.code()).isEqualTo(CniException.PLUGIN_FAILURE);
              assertThat(e.msg()).contains("10.99.40.2/24").contains("missing");
            });
    CniOutcome out = bridge.execute(req("CHECK", pod, "c-check", withPrev));
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(Snapshot.JSON.readTree(out.stdout()).get("code").asInt()).isEqualTo(999);
    bridge.del(req("DEL", pod, "c-check", conf));
  }

  @Test
  void checkWithoutPrevResultOrOnOldVersionIsRefused() {
    Path pod = h.newNetns("pod");
    assertThat(bridge.execute(req("CHECK", pod, "x", conf("1.0.0", ""))).stdout())
        .contains("Required prevResult missing");
    CniOutcome old = bridge.execute(req("CHECK", pod, "x", conf("0.3.1", "")));
    assertThat(old.exitCode()).isEqualTo(1);
    assertThat(old.stdout()).contains("\"code\" : 1");
  }

  @Test
  void fiftyConcurrentAddsGetDistinctAddressesAndAllDelete() throws Exception {
    String conf = conf("1.0.0", "");
    List<Path> pods = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pods.add(h.newNetns("p" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<CniResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Path pod = pods.get(i);
        String id = "ctr-" + i;
        futures.add(pool.submit(() -> bridge.add(req("ADD", pod, id, conf))));
      }
      Set<String> addresses = new HashSet<>();
      for (Future<CniResult> f : futures) {
        addresses.add(f.get().ips().get(0).address().toString());
      }
      assertThat(addresses).hasSize(50);
      // The kernel agrees: 50 ports on the bridge, and each pod holds its own address.
      String ports = TestHost.in(h.hostNs, "ip", "-o", "link", "show", "master", h.bridge());
      assertThat(ports.trim().split("\n")).hasSize(50);
      for (int i = 0; i < 50; i++) {
        String a = TestHost.in(pods.get(i), "ip", "-o", "-4", "addr", "show", "eth0");
        assertThat(a).contains(futures.get(i).get().ips().get(0).address().toString());
      }
      List<Future<?>> dels = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Path pod = pods.get(i);
        String id = "ctr-" + i;
        dels.add(
            pool.submit(
                () -> {
                  bridge.del(req("DEL", pod, id, conf));
                  return null;
                }));
      }
      for (Future<?> f : dels) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "link", "show", "master", h.bridge())).isBlank();
    assertThat(Snapshot.ipamFiles(h.dataDir, h.network()).keySet())
        .containsExactlyInAnyOrder("lock", "last_reserved_ip.0");
  }

  @Test
  void failedAddRollsBackAndLeavesNothingBehindAfterDel() throws Exception {
    Path pod = h.newNetns("pod");
    // The bridge device name is taken by a non-bridge: ADD fails after nothing, but a second
    // failure mode below fails after the veth and the IPAM step.
    try (Netlink nl = h.linux.netlink(h.hostNs)) {
      nl.createBridge(h.bridge(), 0, false);
      nl.addAddress(h.bridge(), io.kuark.cni.config.IpNet.parseIp("10.99.41.1"), 24);
    }
    // isGateway with a different address on the bridge and no forceAddress: fails late.
    CniOutcome out = bridge.execute(req("ADD", pod, "c-fail", conf("1.0.0", "")));
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.stdout()).contains("already has an IP address different from 10.99.40.1/24");
    assertThat(TestHost.in(pod, "ip", "-o", "link")).doesNotContain("eth0");
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "link")).doesNotContain("veth");
    assertThat(Snapshot.ipamFiles(h.dataDir, h.network()).keySet()).doesNotContain("10.99.40.2");
    assertThat(bridge.execute(req("DEL", pod, "c-fail", conf("1.0.0", ""))).exitCode()).isZero();

    // forceAddress replaces the foreign address, and the ADD succeeds.
    CniResult ok = bridge.add(req("ADD", pod, "c-fail", conf("1.0.0", ",\"forceAddress\":true")));
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "-4", "addr", "show", h.bridge()))
        .contains("10.99.40.1/24")
        .doesNotContain("10.99.41.1");
    assertThat(ok.ips()).hasSize(1);
    bridge.del(req("DEL", pod, "c-fail", conf("1.0.0", "")));
  }

  @Test
  void ipamStateSurvivesARestartAndIsSharedWithTheReferencePlugin() throws Exception {
    Path pod1 = h.newNetns("pod1");
    Path pod2 = h.newNetns("pod2");
    String conf = conf("1.0.0", "");
    bridge.add(req("ADD", pod1, "c-1", conf));
    // A fresh instance (a restarted agent, or the binary) continues from the files on disk.
    KuarkBridge restarted = new KuarkBridge(h.linux, h.hostNs);
    CniResult second = restarted.add(req("ADD", pod2, "c-2", conf));
    assertThat(second.ips().get(0).address().toString()).isEqualTo("10.99.40.3/24");
    // The same interface asking again is refused, as host-local refuses duplicates.
    Path pod3 = h.newNetns("pod3");
    CniOutcome dup = restarted.execute(req("ADD", pod3, "c-2", conf));
    assertThat(dup.exitCode()).isEqualTo(1);
    assertThat(dup.stdout()).contains("duplicate allocation is not allowed");
    // The reference plugin releases what kuark reserved: the file format is the same.
    CniOutcome refDel = Plugins.invoke(Plugins.Kind.REFERENCE, h, "DEL", pod1, "c-1", "eth0", conf);
    assertThat(refDel.exitCode()).isZero();
    assertThat(Snapshot.ipamFiles(h.dataDir, h.network())).doesNotContainKey("10.99.40.2");
    restarted.del(req("DEL", pod2, "c-2", conf));
  }

  @Test
  void statusVersionAndGc() throws Exception {
    String conf = conf("1.1.0", "");
    assertThat(bridge.execute(req("STATUS", null, "", conf))).isEqualTo(new CniOutcome(0, ""));
    JsonNode version =
        Snapshot.JSON.readTree(bridge.execute(req("VERSION", null, "", conf)).stdout());
    assertThat(version.get("cniVersion").asText()).isEqualTo("1.1.0");
    assertThat(version.get("supportedVersions").toString()).contains("0.4.0", "1.0.0", "1.1.0");
    assertThat(bridge.execute(req("STATUS", null, "", conf("1.0.0", ""))).exitCode()).isEqualTo(1);
    // host-local's data directory under a regular file cannot be created: not available (50).
    java.nio.file.Path blocker = java.nio.file.Files.createFile(h.dir.resolve("not-a-dir"));
    String broken = conf.replace(h.dataDir.toString(), blocker.resolve("ipam").toString());
    CniOutcome unavailable = bridge.execute(req("STATUS", null, "", broken));
    assertThat(unavailable.exitCode()).isEqualTo(1);
    assertThat(Snapshot.JSON.readTree(unavailable.stdout()).get("code").asInt()).isEqualTo(50);

    Path pod1 = h.newNetns("pod1");
    Path pod2 = h.newNetns("pod2");
    bridge.add(req("ADD", pod1, "keep", conf));
    bridge.add(req("ADD", pod2, "stale", conf));
    ObjectNode gc = (ObjectNode) Snapshot.JSON.readTree(conf);
    gc.putArray("cni.dev/valid-attachments")
        .addObject()
        .put("containerID", "keep")
        .put("ifname", "eth0");
    CniOutcome out = bridge.execute(req("GC", null, "", Snapshot.JSON.writeValueAsString(gc)));
    assertThat(out).isEqualTo(new CniOutcome(0, ""));
    assertThat(Snapshot.ipamFiles(h.dataDir, h.network()))
        .containsKey("10.99.40.2")
        .doesNotContainKey("10.99.40.3");
    bridge.del(req("DEL", pod1, "keep", conf));
    bridge.del(req("DEL", pod2, "stale", conf));
  }

  private boolean kernelFiltersVlans() throws Exception {
    Process probe =
        new ProcessBuilder(
                "nsenter",
                "--net=" + h.hostNs,
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
    probe.getInputStream().readAllBytes();
    boolean supported = probe.waitFor() == 0;
    if (supported) {
      TestHost.in(h.hostNs, "ip", "link", "del", "ktprobe");
    }
    return supported;
  }

  @Test
  void vlanGatewayIsABridgeVethOnTheVlanAsInTheReferencePlugin() throws Exception {
    Path pod = h.newNetns("pod");
    String conf = conf("1.0.0", ",\"vlan\":7");
    if (!kernelFiltersVlans()) {
      // Kernels without CONFIG_BRIDGE_VLAN_FILTERING refuse any vlan config; both plugins alike.
      CniOutcome ours = bridge.execute(req("ADD", pod, "c-vlan", conf));
      CniOutcome ref =
          Plugins.invoke(Plugins.Kind.REFERENCE, h, "ADD", pod, "c-vlan", "eth0", conf);
      assertThat(ours.exitCode()).isNotZero();
      assertThat(ref.exitCode()).isNotZero();
      assertThat(ours.stdout()).contains("Operation not supported");
      assertThat(ref.stdout()).contains("operation not supported");
      assertThat(Snapshot.JSON.readTree(ours.stdout()).path("code").asInt())
          .isEqualTo(Snapshot.JSON.readTree(ref.stdout()).path("code").asInt());
      return;
    }
    CniResult result = bridge.add(req("ADD", pod, "c-vlan", conf));
    String gateway = h.bridge() + ".7";
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "-4", "addr", "show", gateway))
        .contains("10.99.40.1/24");
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "-4", "addr", "show", h.bridge()))
        .doesNotContain("10.99.40.1");
    assertThat(result.interfaces()).extracting(CniResult.Iface::name).contains(gateway);
    // The gateway's peer and the pod's port are both bridge ports with VLAN 7 as untagged PVID.
    String vlans = TestHost.in(h.hostNs, "bridge", "-j", "vlan", "show");
    int tagged = 0;
    for (JsonNode port : Snapshot.JSON.readTree(vlans)) {
      for (JsonNode v : port.path("vlans")) {
        if (v.path("vlan").asInt() == 7 && v.path("flags").toString().contains("PVID")) {
          tagged++;
        }
      }
    }
    assertThat(tagged).as(vlans).isEqualTo(2);
    // The pod reaches its gateway over VLAN 7: a TCP connect to a closed port is refused
    // (curl exit 7), it does not time out (28).
    Process curl =
        new ProcessBuilder(
                "nsenter", "--net=" + pod, "curl", "-sS", "--max-time", "5", "http://10.99.40.1:9/")
            .redirectErrorStream(true)
            .start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(out).isEqualTo(7);
    // A second pod reuses the gateway.
    Path pod2 = h.newNetns("pod2");
    bridge.add(req("ADD", pod2, "c-vlan2", conf));
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "link", "show", "master", h.bridge()).lines())
        .hasSize(3);
    bridge.del(req("DEL", pod, "c-vlan", conf));
    bridge.del(req("DEL", pod2, "c-vlan2", conf));
  }

  @Test
  void ipMasqInstallsAndRemovesTheSourceInNftables() throws Exception {
    Path pod = h.newNetns("pod");
    String conf = conf("1.0.0", ",\"ipMasq\":true");
    bridge.add(req("ADD", pod, "c-masq", conf));
    String rules = TestHost.in(h.hostNs, "nft", "list", "table", "inet", "kuark_masq");
    assertThat(rules)
        .contains("masquerade")
        .contains("10.99.40.2")
        .contains("ip daddr != 10.99.40.0/24");
    bridge.del(req("DEL", pod, "c-masq", conf));
    assertThat(TestHost.in(h.hostNs, "nft", "list", "table", "inet", "kuark_masq"))
        .doesNotContain("10.99.40.2");
    // Repeated DEL after the netns is gone is still fine.
    h.linux.namespaces().deleteNetns(pod);
    assertThat(bridge.execute(req("DEL", pod, "c-masq", conf)).exitCode()).isZero();
  }

  @Test
  void macspoofchkDropsFramesWithAForeignSourceMac() throws Exception {
    Path pod = h.newNetns("pod");
    String conf = conf("1.0.0", ",\"macspoofchk\":true");
    CniResult r = bridge.add(req("ADD", pod, "c-spoof", conf));
    String hostVeth = r.interfaces().get(1).name();
    String podMac = r.interfaces().get(2).mac();
    String table = TestHost.in(h.hostNs, "nft", "list", "table", "bridge", "kuark_macspoof");
    assertThat(table).contains(hostVeth).contains(podMac).contains("drop");

    java.net.InetAddress gw = io.kuark.cni.config.IpNet.parseIp("10.99.40.1");
    java.net.ServerSocket server =
        h.linux
            .namespaces()
            .runInNetns(
                h.hostNs,
                () -> {
                  java.net.ServerSocket s = new java.net.ServerSocket();
                  s.bind(new java.net.InetSocketAddress(gw, 0));
                  return s;
                });
    try (server) {
      java.util.concurrent.Callable<Boolean> connects =
          () ->
              h.linux
                  .namespaces()
                  .runInNetns(
                      pod,
                      () -> {
                        try (java.net.Socket c = new java.net.Socket()) {
                          c.connect(
                              new java.net.InetSocketAddress(gw, server.getLocalPort()), 1500);
                          return true;
                        } catch (java.io.IOException e) {
                          return false;
                        }
                      });
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    server.accept().close();
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      assertThat(connects.call()).isTrue();
      try (Netlink nl = h.linux.netlink(pod)) {
        nl.setMac("eth0", "02:de:ad:be:ef:01");
        TestHost.in(pod, "ip", "neigh", "flush", "all");
        TestHost.in(h.hostNs, "ip", "neigh", "flush", "all");
      }
      assertThat(connects.call()).isFalse();
    }
    bridge.del(req("DEL", pod, "c-spoof", withPrev(conf, r)));
    assertThat(TestHost.in(h.hostNs, "nft", "list", "table", "bridge", "kuark_macspoof"))
        .doesNotContain(hostVeth);
  }

  @Test
  void binaryKilledDuringAddLeavesNothingAfterDel() throws Exception {
    String conf = conf("1.0.0", "");
    // The kill lands in different phases (JVM start, bridge, veth, IPAM, addresses) or after the
    // ADD finished; whatever was done, DEL must clean it all up.
    long[] delaysMs = {400, 900, 1500, 2200, 3200};
    for (int i = 0; i < delaysMs.length; i++) {
      Path pod = h.newNetns("crash" + i);
      String id = "c-crash-" + i;
      CniRequest add = req("ADD", pod, id, conf);
      Process p =
          h.linux
              .namespaces()
              .runInNetns(
                  h.hostNs,
                  () -> {
                    ProcessBuilder pb = new ProcessBuilder(Plugins.KUARK_BINARY.toString());
                    pb.environment().putAll(add.environment());
                    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                    Process proc = pb.start();
                    try (var in = proc.getOutputStream()) {
                      in.write(add.config());
                    }
                    return proc;
                  });
      Thread.sleep(delaysMs[i]);
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      assertThat(bridge.execute(req("DEL", pod, id, conf)).exitCode()).isZero();
      assertThat(TestHost.in(pod, "ip", "-o", "link")).doesNotContain("eth0");
    }
    assertThat(TestHost.in(h.hostNs, "ip", "-o", "link")).doesNotContain("veth");
    assertThat(Snapshot.ipamFiles(h.dataDir, h.network()).keySet())
        .allMatch(f -> f.equals("lock") || f.startsWith("last_reserved_ip"));
  }

  @Test
  void delegatesIpamToAPluginOnCniPath() throws Exception {
    Path pod = h.newNetns("pod");
    String conf =
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"%s\",\"type\":\"kuark-bridge\",\"bridge\":\"%s\","
                + "\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.99.42.7/24\",\"gateway\":\"10.99.42.1\"}]}}")
            .formatted(h.network(), h.bridge());
    CniResult r = bridge.add(req("ADD", pod, "c-static", conf));
    assertThat(r.ips().get(0).address().toString()).isEqualTo("10.99.42.7/24");
    assertThat(TestHost.in(pod, "ip", "-o", "addr", "show", "eth0")).contains("10.99.42.7/24");
    bridge.del(req("DEL", pod, "c-static", conf));
    CniRequest missing =
        new CniRequest(
            "ADD",
            "c2",
            pod.toString(),
            "eth0",
            "",
            "/nonexistent",
            conf.replace("static", "nosuchipam").getBytes(StandardCharsets.UTF_8));
    CniOutcome out = bridge.execute(missing);
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.stdout()).contains("failed to find plugin \\\"nosuchipam\\\"");
    assertThat(TestHost.in(pod, "ip", "-o", "link")).doesNotContain("eth0");
  }

  @Test
  void binaryReportsErrorsAsSpecObjects() throws Exception {
    TestHost.Run r =
        TestHost.run(
            List.of(Plugins.KUARK_BINARY.toString()),
            java.util.Map.of("CNI_COMMAND", "ADD"),
            conf("1.0.0", "").getBytes(StandardCharsets.UTF_8));
    assertThat(r.rc()).isEqualTo(1);
    JsonNode err = Snapshot.JSON.readTree(r.stdout());
    assertThat(err.get("code").asInt()).isEqualTo(4);
    assertThat(err.get("msg").asText()).contains("CNI_CONTAINERID").contains("CNI_NETNS");
    assertThat(Files.exists(Plugins.KUARK_BINARY)).isTrue();
  }

  @Test
  void binaryWorksWithAnUnusableStartupCache() throws Exception {
    String conf = conf("1.0.0", "");
    Path app = Path.of("target", "quarkus-app");
    // A recorder killed by another test leaves its lock behind for minutes: clear it, so this ADD
    // records the cache if there is none.
    for (Path lock : startupCaches(app, ".lock")) {
      TestHost.run(List.of("rm", "-rf", lock.toString()), java.util.Map.of(), new byte[0]);
    }
    Path first = h.newNetns("cache0");
    assertThat(
            Plugins.invoke(Plugins.Kind.KUARK_BINARY, h, "ADD", first, "c-cache0", "eth0", conf)
                .exitCode())
        .isZero();
    List<Path> caches = startupCaches(app, ".aot");
    caches.addAll(startupCaches(app, ".jsa"));
    assertThat(caches).isNotEmpty();
    try {
      for (Path cache : caches) {
        Files.write(cache, "not a start-up cache\n".repeat(200).getBytes(StandardCharsets.UTF_8));
      }
      Path pod = h.newNetns("cache1");
      CniOutcome add =
          Plugins.invoke(Plugins.Kind.KUARK_BINARY, h, "ADD", pod, "c-cache1", "eth0", conf);
      assertThat(add.exitCode()).isZero();
      assertThat(Snapshot.JSON.readTree(add.stdout()).get("ips").get(0).get("address").asText())
          .startsWith("10.");
      assertThat(
              Plugins.invoke(Plugins.Kind.KUARK_BINARY, h, "DEL", pod, "c-cache1", "eth0", conf)
                  .exitCode())
          .isZero();
      assertThat(TestHost.in(pod, "ip", "-o", "link")).doesNotContain("eth0");
    } finally {
      for (Path cache : caches) {
        Files.deleteIfExists(cache); // the next binary ADD records a fresh one
      }
    }
    assertThat(bridge.execute(req("DEL", first, "c-cache0", conf)).exitCode()).isZero();
  }

  private static List<Path> startupCaches(Path app, String suffix) throws Exception {
    try (var files = Files.list(app)) {
      return new ArrayList<>(
          files
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return n.startsWith("kuark-bridge-") && n.endsWith(suffix);
                  })
              .toList());
    }
  }
}
