package io.kuark.cni.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.CniException;
import io.kuark.cni.CniVersions;
import io.kuark.cni.result.CniResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The network configuration, with the same fields and defaults as the reference {@code bridge}
 * plugin. Parsed from a Jackson tree (no reflection, so it stays native-image friendly).
 */
public record BridgeConf(
    String cniVersion,
    String name,
    String type,
    String bridge,
    boolean isGateway,
    boolean isDefaultGateway,
    boolean forceAddress,
    boolean ipMasq,
    int mtu,
    boolean hairpinMode,
    boolean promiscMode,
    int vlan,
    boolean macspoofchk,
    boolean enableDad,
    String mac,
    ObjectNode ipam,
    CniResult.Dns dns,
    JsonNode prevResult,
    List<String[]> validAttachments,
    ObjectNode raw) {

  public static final String DEFAULT_BRIDGE = "cni0";

  /** Parses and validates; failures are CNI errors 6 (decoding) or 7 (invalid config). */
  public static BridgeConf parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new CniException(CniException.DECODING_FAILURE, "network config is not a JSON object");
    }
    ObjectNode o = (ObjectNode) root;
    String version = o.path("cniVersion").asText("");
    if (o.has("cniVersions") && o.get("cniVersions").isArray()) {
      version = highestSupported(o.get("cniVersions"), version);
    }
    if (version.isEmpty()) {
      version = "0.1.0"; // the spec's default when absent
    }
    String name = o.path("name").asText("");
    boolean isDefaultGateway = o.path("isDefaultGateway").asBoolean(false);
    int vlan = o.path("vlan").asInt(0);
    if (vlan < 0 || vlan > 4094) {
      throw new CniException(
          CniException.PLUGIN_FAILURE, // the reference reports this as a generic failure
          "invalid VLAN ID " + vlan + " (must be between 0 and 4094)");
    }
    int mtu = o.path("mtu").asInt(0);
    if (mtu < 0) {
      throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid MTU " + mtu);
    }
    JsonNode ipam = o.get("ipam");
    String mac = null;
    JsonNode rcMac = o.path("runtimeConfig").get("mac");
    if (rcMac != null && rcMac.isTextual()) {
      mac = rcMac.asText();
    }
    JsonNode argsMac = o.path("args").path("cni").get("mac");
    if (argsMac != null && argsMac.isTextual()) {
      mac = argsMac.asText();
    }
    List<String[]> valid = new ArrayList<>();
    for (JsonNode a : o.path("cni.dev/valid-attachments")) {
      valid.add(new String[] {a.path("containerID").asText(""), a.path("ifname").asText("")});
    }
    return new BridgeConf(
        version,
        name,
        o.path("type").asText(""),
        o.path("bridge").asText(DEFAULT_BRIDGE).isEmpty()
            ? DEFAULT_BRIDGE
            : o.path("bridge").asText(DEFAULT_BRIDGE),
        o.path("isGateway").asBoolean(false) || isDefaultGateway,
        isDefaultGateway,
        o.path("forceAddress").asBoolean(false),
        o.path("ipMasq").asBoolean(false),
        mtu,
        o.path("hairpinMode").asBoolean(false),
        o.path("promiscMode").asBoolean(false),
        vlan,
        o.path("macspoofchk").asBoolean(false),
        o.path("enabledad").asBoolean(false),
        mac,
        ipam != null && ipam.isObject() ? (ObjectNode) ipam : null,
        CniResult.Dns.fromJson(o.get("dns")),
        o.get("prevResult"),
        valid,
        o);
  }

  /** The IPAM plugin type, or empty. */
  public String ipamType() {
    return ipam == null ? "" : ipam.path("type").asText("");
  }

  private static String highestSupported(JsonNode versions, String fallback) {
    String best = null;
    for (JsonNode v : versions) {
      String s = v.asText();
      if (CniVersions.supported(s) && (best == null || CniVersions.compare(s, best) > 0)) {
        best = s;
      }
    }
    return best != null ? best : fallback;
  }
}
