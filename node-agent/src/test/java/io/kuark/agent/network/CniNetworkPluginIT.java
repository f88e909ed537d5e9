package io.kuark.agent.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.agent.Agent;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.network.NetworkPlugin.Sandbox;
import io.kuark.agent.testing.TestNetwork;
import io.kuark.linux.Link;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CNI invoker against real network namespaces: {@code kuark-bridge} and {@code loopback} run
 * in-process (the bin dir holds no kuark-bridge binary, so exec could not serve it), Debian's
 * reference {@code bridge} and {@code loopback} are executed; both chains list portmap, which is
 * skipped without port mappings, and release their addresses on DEL.
 */
class CniNetworkPluginIT {

  private static final List<Path> BIN_DIRS = List.of(Path.of("/usr/lib/cni"));

  private final HostKernel kernel = Agent.linuxKernel();
  private final List<Path> netnsPaths = new ArrayList<>();
  private Path dir;
  private TestNetwork network;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-cni-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Path netns : netnsPaths) {
      kernel.deleteNetns(netns);
    }
    if (network != null) {
      network.close();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void kuarkBridgeRunsInProcessAndChainsPortmap() throws Exception {
    assertFalse(Files.exists(BIN_DIRS.get(0).resolve(InProcessPlugins.KUARK_BRIDGE)));
    attachAndRelease(InProcessPlugins.KUARK_BRIDGE);
  }

  @Test
  void withInProcessPluginsNoBinaryIsExecutedForAPod() throws Exception {
    network = new TestNetwork(dir, InProcessPlugins.KUARK_BRIDGE);
    Path emptyBinDir = Files.createDirectories(dir.resolve("no-plugins"));
    CniNetworkPlugin plugin =
        new CniNetworkPlugin(network.confDir, List.of(emptyBinDir), InProcessPlugins.standard());
    Sandbox pod = sandbox();

    CniResult result = plugin.setUp(pod);

    assertTrue(loopbackUp(pod.netns()), "lo up in " + pod.netns());
    assertTrue(eth0(pod.netns()).map(Link::isUp).orElse(false), "eth0 up in " + pod.netns());
    plugin.tearDown(pod, result.raw());
    assertTrue(eth0(pod.netns()).isEmpty(), "eth0 removed from " + pod.netns());
  }

  @Test
  void inProcessLoopbackAnswersLikeTheReferencePlugin() throws Exception {
    network = new TestNetwork(dir, InProcessPlugins.KUARK_BRIDGE);
    CniNetworkPlugin inProcess =
        new CniNetworkPlugin(network.confDir, BIN_DIRS, InProcessPlugins.standard());
    CniNetworkPlugin executed =
        new CniNetworkPlugin(network.confDir, BIN_DIRS, InProcessPlugins.none());
    ObjectNode config = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    config.put("cniVersion", "1.0.0");
    config.put("name", "cni-loopback");
    config.put("type", InProcessPlugins.LOOPBACK);
    Sandbox a = sandbox();
    Sandbox b = sandbox();

    com.fasterxml.jackson.databind.JsonNode ours = inProcess.invoke("ADD", config, a, "lo");
    com.fasterxml.jackson.databind.JsonNode reference = executed.invoke("ADD", config, b, "lo");

    assertTrue(loopbackUp(a.netns()) && loopbackUp(b.netns()));
    assertEquals(reference.path("ips"), ours.path("ips"));
    assertEquals(
        reference.path("interfaces").path(0).path("name"),
        ours.path("interfaces").path(0).path("name"));
    inProcess.invoke("CHECK", config, a, "lo");
    inProcess.invoke("DEL", config, a, "lo");
    assertFalse(loopbackUp(a.netns()));
    CniException down =
        assertThrows(CniException.class, () -> inProcess.invoke("CHECK", config, a, "lo"));
    assertTrue(down.getMessage().contains("down"), down.getMessage());
    Sandbox gone = new Sandbox("gone", dir.resolve("no-such-netns"), "default", "gone", "gone");
    inProcess.invoke("DEL", config, gone, "lo"); // DEL is idempotent
    assertThrows(CniException.class, () -> inProcess.invoke("ADD", config, gone, "lo"));
  }

  @Test
  void otherPluginTypesAreExecuted() throws Exception {
    assertTrue(Files.isExecutable(BIN_DIRS.get(0).resolve("bridge")));
    attachAndRelease("bridge");
  }

  @Test
  void withoutTheInProcessPathKuarkBridgeIsLookedUpAsABinary() throws Exception {
    network = new TestNetwork(dir, InProcessPlugins.KUARK_BRIDGE);
    CniNetworkPlugin plugin =
        new CniNetworkPlugin(network.confDir, BIN_DIRS, InProcessPlugins.none());
    Sandbox sandbox = sandbox();
    IOException e = assertThrows(IOException.class, () -> plugin.setUp(sandbox));
    assertTrue(e.getMessage().contains("kuark-bridge not found"), e.getMessage());
  }

  @Test
  void inProcessErrorsAreMappedLikeExecErrors() throws Exception {
    network = new TestNetwork(dir, InProcessPlugins.KUARK_BRIDGE);
    CniNetworkPlugin plugin =
        new CniNetworkPlugin(network.confDir, BIN_DIRS, InProcessPlugins.standard());
    ObjectNode config =
        (ObjectNode) CniConfigFiles.load(network.confDir).orElseThrow().path("plugins").get(0);
    config.put("cniVersion", "1.0.0");
    config.put("name", "kuark");
    config.put("type", InProcessPlugins.KUARK_BRIDGE);
    Sandbox missing =
        new Sandbox(
            "c1", dir.resolve("no-such-netns"), "default", "p", UUID.randomUUID().toString());
    CniException inProcess =
        assertThrows(CniException.class, () -> plugin.invoke("ADD", config, missing, "eth0"));
    assertNotEquals(0, inProcess.code(), inProcess.getMessage());
    assertTrue(
        inProcess.getMessage().startsWith("CNI plugin kuark-bridge failed (code "),
        inProcess.getMessage());
    config.put("cniVersion", "9.9.9");
    CniException badVersion =
        assertThrows(CniException.class, () -> plugin.invoke("ADD", config, missing, "eth0"));
    assertEquals(1, badVersion.code(), badVersion.getMessage());
  }

  private void attachAndRelease(String type) throws Exception {
    network = new TestNetwork(dir, type);
    CniNetworkPlugin plugin =
        new CniNetworkPlugin(network.confDir, BIN_DIRS, InProcessPlugins.standard());
    Sandbox first = sandbox();
    Sandbox second = sandbox();

    CniResult a = plugin.setUp(first);
    CniResult b = plugin.setUp(second);

    String prefix = network.subnet.substring(0, network.subnet.lastIndexOf('.') + 1);
    assertTrue(a.primaryIp().startsWith(prefix), a.ips() + " not in " + network.subnet);
    assertTrue(b.primaryIp().startsWith(prefix), b.ips() + " not in " + network.subnet);
    assertNotEquals(a.primaryIp(), b.primaryIp());
    Path reservation = network.ipamDir.resolve("kuark").resolve(a.primaryIp());
    assertTrue(Files.exists(reservation), "host-local reservation " + reservation);
    assertTrue(eth0(first.netns()).map(Link::isUp).orElse(false), "eth0 up in " + first.netns());
    try (Netlink host = Linux.get().netlink()) {
      Link bridge =
          host.links().stream().filter(l -> l.name().equals(network.bridge)).findFirst().get();
      assertEquals("bridge", bridge.kind());
    }

    plugin.tearDown(first, a.raw());
    assertFalse(Files.exists(reservation), "reservation released");
    assertTrue(eth0(first.netns()).isEmpty(), "eth0 removed from " + first.netns());
    plugin.tearDown(first, a.raw()); // DEL is idempotent
    plugin.tearDown(second, b.raw());
    assertFalse(Files.exists(network.ipamDir.resolve("kuark").resolve(b.primaryIp())));
  }

  private Sandbox sandbox() throws Exception {
    String uid = UUID.randomUUID().toString();
    Path netns = dir.resolve("netns").resolve(uid);
    Files.createDirectories(netns.getParent());
    kernel.createNetns(netns);
    netnsPaths.add(netns);
    return new Sandbox(uid, netns, "default", "pod-" + uid.substring(0, 8), uid);
  }

  private static boolean loopbackUp(Path netns) {
    try (Netlink netlink = Linux.get().netlink(netns)) {
      return netlink.link("lo").map(Link::isUp).orElse(false);
    }
  }

  private static Optional<Link> eth0(Path netns) {
    try (Netlink netlink = Linux.get().netlink(netns)) {
      return netlink.links().stream().filter(l -> l.name().equals("eth0")).findFirst();
    }
  }
}
