package io.kuark.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.bridge.BridgePlugin;
import io.kuark.cni.bridge.HostNetwork;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.ipam.BuiltinHostLocal;
import io.kuark.cni.ipam.ExecIpam;
import io.kuark.cni.ipam.Ipam;
import io.kuark.cni.result.CniResult;
import io.kuark.linux.Linux;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kuark-bridge as a library: the same code the {@code kuark-bridge} binary runs, called in-process
 * (no process start per pod). Thread-safe; concurrent ADDs on one network are serialised only
 * around IPAM. Expected failures are {@link CniException}s carrying the spec's error code.
 *
 * <p>Typical agent use: {@code new KuarkBridge().add(new CniRequest("ADD", podUid, netnsPath,
 * "eth0", "", cniBinDir, conflistPluginJsonBytes))}.
 */
public final class KuarkBridge {
  private final Ipam builtinHostLocal = new BuiltinHostLocal();
  private final Ipam execIpam = new ExecIpam();
  private final Linux linux;
  private final Path hostNetns;
  private volatile BridgePlugin plugin;

  /** Works in the calling process's own network namespace (production). */
  public KuarkBridge() {
    this(null, null);
  }

  /**
   * @param linux the Linux seams, or null for {@link Linux#get()} (loaded on first ADD/DEL/CHECK,
   *     so VERSION, STATUS and GC never load native code)
   * @param hostNetns a pinned netns that plays "the host" (bridge, host veth ends, sysctls, nft),
   *     or null for the caller's namespace
   */
  public KuarkBridge(Linux linux, Path hostNetns) {
    this.linux = linux;
    this.hostNetns = hostNetns;
  }

  private BridgePlugin plugin() {
    BridgePlugin p = plugin;
    if (p == null) {
      synchronized (this) {
        p = plugin;
        if (p == null) {
          p = new BridgePlugin(new HostNetwork(linux != null ? linux : Linux.get(), hostNetns));
          plugin = p;
        }
      }
    }
    return p;
  }

  /** ADD: returns the result (encode it with {@link #toJson(CniResult)}). */
  public CniResult add(CniRequest request) {
    BridgeConf conf = parse(request, "ADD");
    requireAttachmentEnv(request, true);
    return plugin().add(request, conf, ipamFor(conf));
  }

  /** DEL: idempotent; a missing netns, link or reservation is success. */
  public void del(CniRequest request) {
    BridgeConf conf = parse(request, "DEL");
    requireAttachmentEnv(request, false);
    plugin().del(request, conf, ipamFor(conf));
  }

  /** CHECK: throws a CniException describing the first drift from prevResult. */
  public void check(CniRequest request) {
    BridgeConf conf = parse(request, "CHECK");
    requireAttachmentEnv(request, true);
    if (!CniVersions.atLeast(conf.cniVersion(), "0.4.0")) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION, "config version does not allow CHECK");
    }
    if (conf.prevResult() == null || !conf.prevResult().isObject()) {
      throw new CniException(CniException.PLUGIN_FAILURE, "Required prevResult missing");
    }
    plugin()
        .check(
            request, conf, ipamFor(conf), CniResult.fromJson(conf.prevResult(), conf.cniVersion()));
  }

  /** STATUS (1.1): succeeds when ADDs can be served, else error 50. */
  public void status(CniRequest request) {
    BridgeConf conf = parse(request, "STATUS");
    if (!conf.ipamType().isEmpty() && !"host-local".equals(conf.ipamType())) {
      try {
        execIpam.check(request.withCommand("STATUS"), conf, null);
      } catch (CniException e) {
        throw new CniException(
            CniException.PLUGIN_NOT_AVAILABLE, "IPAM plugin not available: " + e.msg());
      }
    }
    if ("host-local".equals(conf.ipamType())) {
      // host-local needs its data directory (or the place to create it) to be writable.
      java.nio.file.Path dir =
          io.kuark.cni.ipam.HostLocalConf.parse(conf.ipam()).dataDir().toAbsolutePath();
      while (dir != null && !java.nio.file.Files.exists(dir)) {
        dir = dir.getParent();
      }
      if (dir == null
          || !java.nio.file.Files.isWritable(dir)
          || !java.nio.file.Files.isDirectory(dir)) {
        throw new CniException(
            CniException.PLUGIN_NOT_AVAILABLE,
            "host-local data directory is not writable: "
                + io.kuark.cni.ipam.HostLocalConf.parse(conf.ipam()).dataDir());
      }
    }
  }

  /** GC (1.1): releases IPAM state of attachments not in cni.dev/valid-attachments. */
  public void gc(CniRequest request) {
    BridgeConf conf = parse(request, "GC");
    if (!conf.ipamType().isEmpty()) {
      ipamFor(conf).gc(request, conf);
    }
  }

  /** VERSION: the spec's version object. */
  public ObjectNode version(CniRequest request) {
    String version = "1.1.0";
    if (request.config() != null && request.config().length > 0) {
      try {
        JsonNode root = Json.read(request.config());
        version = root.path("cniVersion").asText(version);
      } catch (IOException e) {
        // VERSION must answer even without a usable config
      }
    }
    ObjectNode out = Json.NODES.objectNode().put("cniVersion", version);
    CniVersions.SUPPORTED.forEach(out.putArray("supportedVersions")::add);
    return out;
  }

  /** Dispatches on CNI_COMMAND and renders stdout and the exit code as the binary does. */
  public CniOutcome execute(CniRequest request) {
    String version = "1.1.0";
    try {
      version = quietVersion(request);
      switch (request.command()) {
        case "ADD":
          return new CniOutcome(0, toJson(add(request)));
        case "DEL":
          del(request);
          return new CniOutcome(0, "");
        case "CHECK":
          check(request);
          return new CniOutcome(0, "");
        case "STATUS":
          status(request);
          return new CniOutcome(0, "");
        case "GC":
          gc(request);
          return new CniOutcome(0, "");
        case "VERSION":
          return new CniOutcome(0, Json.pretty(version(request)));
        default:
          throw new CniException(
              CniException.INVALID_ENVIRONMENT,
              request.command().isEmpty()
                  ? "required env variables [CNI_COMMAND] missing"
                  : "unknown CNI_COMMAND: " + request.command());
      }
    } catch (CniException e) {
      return new CniOutcome(1, errorJson(version, e));
    } catch (RuntimeException e) {
      return new CniOutcome(
          1,
          errorJson(
              version,
              new CniException(CniException.PLUGIN_FAILURE, String.valueOf(e.getMessage()), e)));
    }
  }

  /** Encodes a result the way the binary prints it. */
  public static String toJson(CniResult result) {
    return Json.pretty(result.toJson());
  }

  static String errorJson(String version, CniException e) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("cniVersion", version);
    o.put("code", e.code());
    o.put("msg", e.msg());
    if (e.details() != null) {
      o.put("details", e.details());
    }
    return Json.pretty(o);
  }

  private String quietVersion(CniRequest request) {
    try {
      JsonNode root = Json.read(request.config());
      String v = root.path("cniVersion").asText("1.1.0");
      return CniVersions.supported(v) ? v : "1.1.0";
    } catch (IOException | RuntimeException e) {
      return "1.1.0";
    }
  }

  private Ipam ipamFor(BridgeConf conf) {
    return "host-local".equals(conf.ipamType()) ? builtinHostLocal : execIpam;
  }

  private BridgeConf parse(CniRequest request, String command) {
    JsonNode root;
    try {
      root = Json.read(request.config() == null ? new byte[0] : request.config());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CniException(
          CniException.DECODING_FAILURE,
          "error unmarshall network config: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CniException(CniException.IO_FAILURE, "reading network config: " + e.getMessage());
    }
    BridgeConf conf = BridgeConf.parse(root);
    if (!CniVersions.supported(conf.cniVersion())) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION,
          "incompatible CNI versions",
          "config is \"" + conf.cniVersion() + "\", plugin supports " + CniVersions.SUPPORTED);
    }
    if (("STATUS".equals(command) || "GC".equals(command))
        && !CniVersions.atLeast(conf.cniVersion(), "1.1.0")) {
      throw new CniException(
          CniException.INCOMPATIBLE_VERSION, command + " requires cniVersion 1.1.0 or later");
    }
    return conf;
  }

  private static void requireAttachmentEnv(CniRequest r, boolean needNetns) {
    List<String> missing = new ArrayList<>();
    if (blank(r.containerId())) {
      missing.add("CNI_CONTAINERID");
    }
    if (needNetns && blank(r.netns())) {
      missing.add("CNI_NETNS");
    }
    if (blank(r.ifName())) {
      missing.add("CNI_IFNAME");
    }
    if (r.path() == null) {
      missing.add("CNI_PATH");
    }
    if (!missing.isEmpty()) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT,
          "required env variables [" + String.join(",", missing) + "] missing");
    }
    String ifName = r.ifName();
    if (ifName.length() > 15
        || ifName.contains("/")
        || ifName.contains(":")
        || ifName.isBlank()
        || ifName.equals(".")
        || ifName.equals("..")
        || ifName.chars().anyMatch(Character::isWhitespace)) {
      throw new CniException(
          CniException.INVALID_ENVIRONMENT, "invalid CNI_IFNAME \"" + ifName + "\"");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
