package io.kuark.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A network configuration list (e.g. /etc/cni/net.d/10-kuark.conflist) as a runtime executes it:
 * each plugin gets the list's {@code name} and {@code cniVersion}, and from the second plugin on
 * the previous plugin's result as {@code prevResult} (ADD), or the cached ADD result (CHECK, DEL).
 */
public record ConfList(
    String name, String cniVersion, boolean disableCheck, List<ObjectNode> plugins) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Parses a conflist; a single plugin config (legacy .conf) becomes a one-plugin list. */
  public static ConfList parse(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new CniException(
          CniException.DECODING_FAILURE, "invalid network config list: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new CniException(CniException.DECODING_FAILURE, "network config list is not an object");
    }
    String name = root.path("name").asText("");
    String version = root.path("cniVersion").asText("");
    List<ObjectNode> plugins = new ArrayList<>();
    if (root.has("plugins")) {
      for (JsonNode p : root.get("plugins")) {
        if (!p.isObject()) {
          throw new CniException(
              CniException.INVALID_NETWORK_CONFIG, "plugin entry is not an object");
        }
        plugins.add((ObjectNode) p);
      }
    } else if (root.has("type")) {
      plugins.add((ObjectNode) root);
    }
    if (name.isEmpty() || plugins.isEmpty()) {
      throw new CniException(
          CniException.INVALID_NETWORK_CONFIG, "network config list needs a name and plugins");
    }
    return new ConfList(name, version, root.path("disableCheck").asBoolean(false), plugins);
  }

  /**
   * The stdin bytes for plugin {@code index}: its config with the list's name and cniVersion, and
   * {@code prevResult} (a result JSON, or null to omit).
   */
  public byte[] pluginConfig(int index, String prevResult) {
    ObjectNode conf = plugins.get(index).deepCopy();
    conf.put("name", name);
    conf.put("cniVersion", cniVersion);
    if (prevResult != null && !prevResult.isBlank()) {
      try {
        conf.set("prevResult", MAPPER.readTree(prevResult));
      } catch (IOException e) {
        throw new CniException(
            CniException.DECODING_FAILURE, "invalid prevResult: " + e.getMessage());
      }
    }
    try {
      return MAPPER.writeValueAsBytes(conf);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plugin binary name ({@code type}) of entry {@code index}. */
  public String type(int index) {
    return plugins.get(index).path("type").asText("");
  }
}
