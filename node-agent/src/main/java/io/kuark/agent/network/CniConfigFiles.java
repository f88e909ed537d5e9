package io.kuark.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CNI configuration directory: finds the network configuration in use (the lexically first
 * {@code .conflist}, {@code .conf} or {@code .json} file, as kubelet/containerd pick it) and writes
 * the agent's default one when the directory has none.
 */
public final class CniConfigFiles {

  static final String DEFAULT_FILE = "10-kuark.conflist";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CniConfigFiles() {}

  /** The network configuration as a conflist (a single-plugin .conf is wrapped), if any. */
  public static Optional<ObjectNode> load(Path confDir) throws IOException {
    if (!Files.isDirectory(confDir)) {
      return Optional.empty();
    }
    Optional<Path> first;
    try (Stream<Path> list = Files.list(confDir)) {
      first =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(".conflist")
                        || name.endsWith(".conf")
                        || name.endsWith(".json");
                  })
              .sorted()
              .findFirst();
    }
    if (first.isEmpty()) {
      return Optional.empty();
    }
    JsonNode document = JSON.readTree(first.get().toFile());
    if (!(document instanceof ObjectNode config)) {
      throw new IOException("CNI configuration " + first.get() + " is not a JSON object");
    }
    if (config.has("plugins")) {
      return Optional.of(config);
    }
    // A single-plugin .conf: make it a one-element list so the caller handles one shape.
    ObjectNode list = JSON.createObjectNode();
    list.put("cniVersion", config.path("cniVersion").asText("0.4.0"));
    list.put("name", config.path("name").asText("kuark"));
    list.putArray("plugins").add(config);
    return Optional.of(list);
  }

  /**
   * Writes the default bridge + host-local + portmap configuration for {@code podCidr} unless the
   * directory already holds a configuration.
   *
   * @return true if the file was written
   */
  public static boolean writeDefaultIfMissing(
      Path confDir, String podCidr, String bridgePluginType, String bridgeName, Path ipamDataDir)
      throws IOException {
    if (load(confDir).isPresent()) {
      return false;
    }
    Files.createDirectories(confDir);
    Path target = confDir.resolve(DEFAULT_FILE);
    Path temp = confDir.resolve("." + DEFAULT_FILE + ".tmp");
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(
            temp.toFile(), defaultConfig(podCidr, bridgePluginType, bridgeName, ipamDataDir));
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  /** The default network: a bridge with host-local IPAM on the node's pod CIDR, plus portmap. */
  public static ObjectNode defaultConfig(
      String podCidr, String bridgePluginType, String bridgeName, Path ipamDataDir) {
    ObjectNode config = JSON.createObjectNode();
    config.put("cniVersion", "1.0.0");
    config.put("name", "kuark");
    ArrayNode plugins = config.putArray("plugins");
    ObjectNode bridge = plugins.addObject();
    bridge.put("type", bridgePluginType);
    bridge.put("bridge", bridgeName);
    bridge.put("isGateway", true);
    bridge.put("ipMasq", false);
    bridge.put("hairpinMode", true);
    ObjectNode ipam = bridge.putObject("ipam");
    ipam.put("type", "host-local");
    ipam.putArray("ranges").addArray().addObject().put("subnet", podCidr);
    ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
    ipam.put("dataDir", ipamDataDir.toString());
    ObjectNode portmap = plugins.addObject();
    portmap.put("type", "portmap");
    portmap.putObject("capabilities").put("portMappings", true);
    return config;
  }
}
