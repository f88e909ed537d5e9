package io.kuark.agent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.agent.network.CniConfigFiles;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A private pod network for one test: a unique bridge name and a /24 inside 10.211.0.0/16 (a range
 * tests own), a CNI conflist (bridge + host-local + portmap, the bridge plugin type chosen by the
 * test: {@code kuark-bridge} in-process or Debian's reference {@code bridge} executed), and cleanup
 * of the bridge, the IPAM state and the blackhole routes the agent installs.
 */
public final class TestNetwork implements AutoCloseable {

  public static final String CLUSTER_CIDR = "10.211.0.0/16";
  public static final String SERVICE_CIDR = "10.212.0.0/16";

  public final String bridge;
  public final String subnet;
  public final Path confDir;
  public final Path ipamDir;

  /** The agent's default: kuark-bridge, run in-process. */
  public TestNetwork(Path dir) throws IOException {
    this(dir, "kuark-bridge");
  }

  /**
   * @param bridgePluginType the {@code type} of the conflist's first plugin
   */
  public TestNetwork(Path dir, String bridgePluginType) throws IOException {
    SecureRandom random = new SecureRandom();
    this.bridge = "kt" + Integer.toHexString(0x100000 + random.nextInt(0xEFFFFF));
    this.subnet = "10.211." + (1 + random.nextInt(250)) + ".0/24";
    this.confDir = dir.resolve("cni-conf");
    this.ipamDir = dir.resolve("cni-ipam");
    Files.createDirectories(confDir);
    new ObjectMapper()
        .writeValue(
            confDir.resolve("10-test.conflist").toFile(),
            CniConfigFiles.defaultConfig(subnet, bridgePluginType, bridge, ipamDir));
  }

  @Override
  public void close() throws IOException {
    try (Netlink netlink = Linux.get().netlink()) {
      netlink.deleteLink(bridge);
      for (String cidr : new String[] {CLUSTER_CIDR, SERVICE_CIDR}) {
        String[] parts = cidr.split("/");
        netlink.deleteRoute(
            Route.blackhole(InetAddress.getByName(parts[0]), Integer.parseInt(parts[1])));
      }
    } catch (RuntimeException e) {
      // Already gone.
    }
  }
}
