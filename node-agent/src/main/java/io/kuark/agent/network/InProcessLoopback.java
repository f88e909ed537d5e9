package io.kuark.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.CniOutcome;
import io.kuark.cni.CniRequest;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.IfAddress;
import io.kuark.linux.Link;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reference {@code loopback} CNI plugin's job done inside the agent: bring {@code lo} up in the
 * pod's network namespace over rtnetlink (linux-ffi). Every pod needs it, and executing the Go
 * binary cost a process start (≈ 10 ms of CPU) per pod. Behaves like the reference plugin: ADD sets
 * {@code lo} up and reports its addresses, DEL sets it down and succeeds when the namespace is
 * already gone, CHECK fails when {@code lo} is down; failures are CNI error objects.
 */
final class InProcessLoopback {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

  private final Supplier<Linux> linux;

  /**
   * @param linux the Linux seams, asked for on first use (VERSION never loads native code)
   */
  InProcessLoopback(Supplier<Linux> linux) {
    this.linux = linux;
  }

  /** Runs one request and renders what the binary would print and exit with. */
  CniOutcome execute(CniRequest request) {
    String version = "1.0.0";
    try {
      version = version(request);
      return switch (request.command()) {
        case "ADD" -> new CniOutcome(0, JSON.writeValueAsString(add(request, version)));
        case "DEL" -> {
          del(request);
          yield new CniOutcome(0, "");
        }
        case "CHECK" -> {
          check(request);
          yield new CniOutcome(0, "");
        }
        case "STATUS", "GC" -> new CniOutcome(0, "");
        case "VERSION" -> new CniOutcome(0, JSON.writeValueAsString(versionObject(version)));
        default -> throw new Failure(4, "unknown CNI_COMMAND: " + request.command()); // invalid env
      };
    } catch (Failure e) {
      return error(version, e.code, e.getMessage());
    } catch (IOException | RuntimeException e) {
      return error(version, 999, String.valueOf(e.getMessage()));
    }
  }

  private ObjectNode add(CniRequest request, String version) {
    Path netns = requireNetns(request);
    ObjectNode result = JSON.createObjectNode();
    result.put("cniVersion", version);
    try (Netlink netlink = linux.get().netlink(netns)) {
      netlink.setUp("lo", true);
      Link lo = netlink.requireLink("lo");
      ObjectNode iface = result.putArray("interfaces").addObject();
      iface.put(
          "name", request.ifName() == null || request.ifName().isEmpty() ? "lo" : request.ifName());
      iface.put("mac", "00:00:00:00:00:00");
      iface.put("sandbox", request.netns());
      ArrayNode ips = result.putArray("ips");
      for (IfAddress address : netlink.addresses("lo")) {
        if (address.linkIndex() != lo.index()) {
          continue;
        }
        ObjectNode ip = ips.addObject();
        if (version.startsWith("0.3")) {
          ip.put("version", address.address() instanceof Inet6Address ? "6" : "4");
        }
        ip.put("interface", 0);
        ip.put("address", IpNet.format(address.address()) + "/" + address.prefixLength());
      }
    }
    result.putObject("dns");
    return result;
  }

  private void del(CniRequest request) {
    if (request.netns() == null || request.netns().isEmpty()) {
      return; // nothing to do without a namespace, as the reference plugin
    }
    Path netns = Path.of(request.netns());
    if (!Files.exists(netns)) {
      return;
    }
    try (Netlink netlink = linux.get().netlink(netns)) {
      netlink.setUp("lo", false);
    } catch (RuntimeException gone) {
      // The namespace went away in between: DEL is idempotent.
      if (Files.exists(netns)) {
        throw gone;
      }
    }
  }

  private void check(CniRequest request) {
    Path netns = requireNetns(request);
    try (Netlink netlink = linux.get().netlink(netns)) {
      Optional<Link> lo = netlink.link("lo");
      if (lo.isEmpty() || !lo.get().isUp()) {
        throw new Failure(999, "loopback interface is down");
      }
    }
  }

  private static Path requireNetns(CniRequest request) {
    if (request.netns() == null || request.netns().isEmpty()) {
      throw new Failure(4, "required env variables [CNI_NETNS] missing");
    }
    return Path.of(request.netns());
  }

  private static String version(CniRequest request) {
    if (request.config() == null || request.config().length == 0) {
      throw new Failure(6, "empty network configuration");
    }
    JsonNode config;
    try {
      config = JSON.readTree(request.config());
    } catch (IOException e) {
      throw new Failure(6, "decoding the network configuration: " + e.getMessage());
    }
    String version = config.path("cniVersion").asText("0.1.0");
    if (!VERSIONS.contains(version)) {
      throw new Failure(1, "incompatible CNI versions: config is \"" + version + "\"");
    }
    return version;
  }

  private static ObjectNode versionObject(String version) {
    ObjectNode out = JSON.createObjectNode().put("cniVersion", version);
    VERSIONS.forEach(out.putArray("supportedVersions")::add);
    return out;
  }

  private static CniOutcome error(String version, int code, String message) {
    ObjectNode error = JSON.createObjectNode();
    error.put("cniVersion", version);
    error.put("code", code);
    error.put("msg", message);
    return new CniOutcome(1, error.toString());
  }

  /** A CNI error code with its message. */
  private static final class Failure extends RuntimeException {
    final int code;

    Failure(int code, String message) {
      super(message);
      this.code = code;
    }
  }
}
