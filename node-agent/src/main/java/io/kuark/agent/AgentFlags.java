package io.kuark.agent;

import io.kuark.agent.network.dns.HostResolvers;
import io.kuark.agent.network.routes.PodNetworkMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses the agent's command line ({@code --flag value} or {@code --flag=value}) into a config. */
public final class AgentFlags {

  /** A command line the agent cannot run with; the message is meant for the user. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static final String USAGE =
      "usage: kuark-agent (--kubeconfig PATH | --server URL --token TOKEN|--token-file PATH) [--node-name N] [--node-ip IP] [--data-dir DIR]"
          + " [--run-dir DIR] [--pod-log-dir DIR] [--cni-conf-dir DIR] [--cni-bin-dir DIR:DIR]"
          + " [--port N] [--cluster-cidr CIDR] [--service-cidr CIDR] [--keep-pods]"
          + " [--cgroup-parent NAME] [--cni-bridge-type TYPE] [--cluster-dns IP]"
          + " [--cluster-domain D] [--dns-port N] [--dns-link NAME]"
          + " [--dns-upstream IP[:PORT],…] [--dns-remove-link]"
          + " [--proxy-table NAME] [--proxy-localhost-nodeports true|false]"
          + " [--proxy-cleanup] [--pod-network-mode host-gw|vxlan|none]"
          + " [--insecure-registry HOST[:PORT],...] [--pod-manifest-path DIR]"
          + " [--eviction-hard SIGNAL<VALUE,...] [--eviction-pressure-transition-period DUR]"
          + " [--housekeeping-interval DUR] [--sync-frequency DUR] [--container-log-max-size Q]"
          + " [--container-log-max-files N]"
          + " [--image-gc-high-threshold PCT] [--image-gc-low-threshold PCT]"
          + " [--image-minimum-gc-age DUR] [--minimum-container-ttl-duration DUR]"
          + " [--maximum-dead-containers-per-container N] [--maximum-dead-containers N]";

  private AgentFlags() {}

  /** True when {@code args} hold {@code -h} or {@code --help}: the usage is the answer. */
  public static boolean asksForHelp(String... args) {
    return List.of(args).contains("--help") || List.of(args).contains("-h");
  }

  public static AgentConfig parse(String... args) throws UsageException {
    Path kubeconfig = null;
    String server = null;
    String token = null;
    String nodeName = null;
    String nodeIp = null;
    Path dataDir = Path.of("/var/lib/kuark");
    Path runDir = Path.of("/run/kuark");
    Path podLogDir = Path.of("/var/log/pods");
    Path cniConfDir = Path.of("/etc/cni/net.d");
    String cniBin = "/opt/cni/bin:/usr/lib/cni";
    int port = 10250;
    String clusterCidr = "10.42.0.0/16";
    String serviceCidr = "10.43.0.0/16";
    boolean keepPods = false;
    String cgroupParent = "kuark";
    String bridgeType = "kuark-bridge";
    String clusterDns = null; // default: derived from --service-cidr below
    String clusterDomain = "cluster.local";
    DnsFlags dns = DnsFlags.defaults();
    String proxyTable = "kuark-proxy";
    String localhostNodePorts = null;
    boolean proxyCleanup = false;
    String podNetworkMode = "host-gw";
    List<String> insecureRegistries = new ArrayList<>();
    Path podManifestPath = null;
    String evictionHard = io.kuark.agent.eviction.Threshold.DEFAULTS;
    java.time.Duration pressurePeriod = java.time.Duration.ofMinutes(5);
    java.time.Duration housekeeping = java.time.Duration.ofSeconds(10);
    java.time.Duration syncFrequency = java.time.Duration.ofMinutes(1);
    long logMaxSize = 10L << 20;
    int logMaxFiles = 5;
    int imageGcHigh = io.kuark.agent.image.gc.ImageGcPolicy.DEFAULTS.highThresholdPercent();
    int imageGcLow = io.kuark.agent.image.gc.ImageGcPolicy.DEFAULTS.lowThresholdPercent();
    java.time.Duration imageGcAge = io.kuark.agent.image.gc.ImageGcPolicy.DEFAULTS.minimumAge();
    io.kuark.agent.pod.gc.ContainerGcPolicy containerGc =
        io.kuark.agent.pod.gc.ContainerGcPolicy.DEFAULTS;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (arg.equals("--keep-pods")) {
        keepPods = value == null || Boolean.parseBoolean(value);
        continue;
      }
      if (arg.equals("--dns-remove-link")) {
        dns =
            new DnsFlags(
                dns.port(),
                dns.link(),
                dns.upstreams(),
                value == null || Boolean.parseBoolean(value));
        continue;
      }
      if (arg.equals("--proxy-cleanup")) {
        proxyCleanup = value == null || Boolean.parseBoolean(value);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("missing value for " + arg + "\n" + USAGE);
        }
        value = args[++i];
      }
      switch (arg) {
        case "--kubeconfig" -> kubeconfig = Path.of(value);
        case "--server" -> server = value;
        case "--token" -> token = value;
        case "--token-file" -> token = readTokenFile(value);
        case "--node-name" -> nodeName = value;
        case "--node-ip" -> nodeIp = value;
        case "--data-dir" -> dataDir = Path.of(value);
        case "--run-dir" -> runDir = Path.of(value);
        case "--pod-log-dir" -> podLogDir = Path.of(value);
        case "--cni-conf-dir" -> cniConfDir = Path.of(value);
        case "--cni-bin-dir" -> cniBin = value;
        case "--port" -> port = parsePort(value);
        case "--cluster-cidr" -> clusterCidr = value;
        case "--service-cidr" -> serviceCidr = value;
        case "--cgroup-parent" -> cgroupParent = value;
        case "--cni-bridge-type" -> bridgeType = value;
        case "--cluster-dns" -> clusterDns = value;
        case "--cluster-domain" -> clusterDomain = value;
        case "--dns-port" ->
            dns =
                new DnsFlags(
                    parseDnsPort(value), dns.link(), dns.upstreams(), dns.removeLinkOnStop());
        case "--dns-link" ->
            dns = new DnsFlags(dns.port(), value, dns.upstreams(), dns.removeLinkOnStop());
        case "--dns-upstream" ->
            dns =
                new DnsFlags(dns.port(), dns.link(), checkUpstreams(value), dns.removeLinkOnStop());
        case "--proxy-table" -> proxyTable = value;
        case "--proxy-localhost-nodeports" -> localhostNodePorts = value;
        case "--pod-network-mode" -> podNetworkMode = value;
        case "--insecure-registry" -> {
          for (String registry : value.split(",")) {
            if (!registry.isBlank()) {
              insecureRegistries.add(registry.trim());
            }
          }
        }
        case "--pod-manifest-path" -> podManifestPath = Path.of(value);
        case "--eviction-hard" -> evictionHard = checkThresholds(value);
        case "--eviction-pressure-transition-period" -> pressurePeriod = parseDuration(arg, value);
        case "--housekeeping-interval" -> housekeeping = parseDuration(arg, value);
        case "--sync-frequency" -> syncFrequency = parsePeriod(arg, value);
        case "--container-log-max-size" -> logMaxSize = parseBytes(arg, value);
        case "--container-log-max-files" -> logMaxFiles = parseInt(arg, value, 2, 1000);
        case "--image-gc-high-threshold" -> imageGcHigh = parseInt(arg, value, 0, 100);
        case "--image-gc-low-threshold" -> imageGcLow = parseInt(arg, value, 0, 100);
        case "--image-minimum-gc-age" -> imageGcAge = parseDuration(arg, value);
        // kubelet's deprecated container GC flags; negative counts mean no limit.
        case "--minimum-container-ttl-duration" ->
            containerGc =
                new io.kuark.agent.pod.gc.ContainerGcPolicy(
                    parseDuration(arg, value),
                    containerGc.maxPerPodContainer(),
                    containerGc.maxContainers());
        case "--maximum-dead-containers-per-container" ->
            containerGc =
                new io.kuark.agent.pod.gc.ContainerGcPolicy(
                    containerGc.minAge(),
                    parseInt(arg, value, Integer.MIN_VALUE, Integer.MAX_VALUE),
                    containerGc.maxContainers());
        case "--maximum-dead-containers" ->
            containerGc =
                new io.kuark.agent.pod.gc.ContainerGcPolicy(
                    containerGc.minAge(),
                    containerGc.maxPerPodContainer(),
                    parseInt(arg, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
        default -> throw new UsageException("unknown flag " + arg + "\n" + USAGE);
      }
    }
    io.kuark.agent.join.JoinFlags join = joinFlags(kubeconfig, server, token);
    if (nodeName == null) {
      nodeName = hostName();
    }
    if (nodeIp == null) {
      nodeIp = defaultNodeIp();
    }
    if (!proxyTable.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
      throw new UsageException("--proxy-table is not a usable nftables table name: " + proxyTable);
    }
    // NodePorts on 127.0.0.1 are only useful (and only enabled by default) on a loopback node.
    boolean localhostPorts =
        localhostNodePorts == null
            ? nodeIp.startsWith("127.")
            : Boolean.parseBoolean(localhostNodePorts);
    if (housekeeping.isZero() || housekeeping.isNegative()) {
      throw new UsageException("--housekeeping-interval must be positive");
    }
    List<Path> binDirs = new ArrayList<>();
    for (String dir : cniBin.split(":")) {
      if (!dir.isBlank()) {
        binDirs.add(Path.of(dir));
      }
    }
    if (clusterDns == null) {
      clusterDns = ServiceCidrs.tenthAddress(serviceCidr);
      if (clusterDns == null) {
        throw new UsageException(
            "--service-cidr is not an IPv4 CIDR with room for a 10th address: " + serviceCidr);
      }
    }
    return new AgentConfig(
        kubeconfig,
        nodeName.toLowerCase(Locale.ROOT),
        nodeIp,
        dataDir.toAbsolutePath(),
        runDir.toAbsolutePath(),
        podLogDir.toAbsolutePath(),
        cniConfDir.toAbsolutePath(),
        List.copyOf(binDirs),
        port,
        clusterCidr,
        serviceCidr,
        keepPods,
        cgroupParent,
        bridgeType,
        clusterDns,
        clusterDomain,
        dns,
        new AgentConfig.Proxy(proxyTable, localhostPorts, proxyCleanup),
        parseMode(podNetworkMode),
        List.copyOf(insecureRegistries),
        new AgentConfig.Housekeeping(
            (podManifestPath == null
                    ? dataDir.resolve("agent").resolve("manifests")
                    : podManifestPath)
                .toAbsolutePath(),
            evictionHard,
            pressurePeriod,
            housekeeping,
            syncFrequency,
            logMaxSize,
            logMaxFiles,
            imageGcPolicy(imageGcHigh, imageGcLow, imageGcAge),
            containerGc),
        join);
  }

  private static io.kuark.agent.image.gc.ImageGcPolicy imageGcPolicy(
      int high, int low, java.time.Duration minimumAge) throws UsageException {
    try {
      return new io.kuark.agent.image.gc.ImageGcPolicy(high, low, minimumAge);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String checkThresholds(String value) throws UsageException {
    try {
      io.kuark.agent.eviction.Threshold.parseList(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--eviction-hard: " + e.getMessage());
    }
  }

  /**
   * A Go duration as kubelet's flags take them ({@link GoDuration}: {@code 300ms}, {@code 1m30s},
   * {@code 1h}); none of the agent's durations may be negative.
   */
  static java.time.Duration parseDuration(String flag, String value) throws UsageException {
    java.time.Duration duration;
    try {
      duration = GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": not a duration (like 300ms, 10s, 1m30s, 1h): " + value);
    }
    if (duration.isNegative()) {
      throw new UsageException(flag + " must not be negative: " + value);
    }
    return duration;
  }

  /** A duration that must be more than zero (a period). */
  static java.time.Duration parsePeriod(String flag, String value) throws UsageException {
    java.time.Duration duration;
    try {
      duration = GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": not a duration (like 30s, 1m, 1m30s): " + value);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new UsageException(flag + " must be positive: " + value);
    }
    return duration;
  }

  private static long parseBytes(String flag, String value) throws UsageException {
    try {
      long bytes =
          io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                  new io.fabric8.kubernetes.api.model.Quantity(value))
              .longValue();
      if (bytes <= 0) {
        throw new UsageException(flag + " must be positive: " + value);
      }
      return bytes;
    } catch (RuntimeException e) {
      throw new UsageException(flag + ": not a quantity (like 10Mi): " + value);
    }
  }

  private static int parseInt(String flag, String value, int min, int max) throws UsageException {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw new UsageException(flag + " must be within " + min + ".." + max + ": " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " is not a number: " + value);
    }
  }

  /** The join token in {@code path} (kept out of the process list, unlike {@code --token}). */
  private static String readTokenFile(String path) throws UsageException {
    try {
      return java.nio.file.Files.readString(Path.of(path)).strip();
    } catch (java.io.IOException e) {
      throw new UsageException("cannot read --token-file " + path + ": " + e.getMessage());
    }
  }

  /** {@code --server} and {@code --token} together, or {@code --kubeconfig} alone. */
  private static io.kuark.agent.join.JoinFlags joinFlags(
      Path kubeconfig, String server, String token) throws UsageException {
    if (server == null && token == null) {
      if (kubeconfig == null) {
        throw new UsageException("--kubeconfig, or --server and --token, are required\n" + USAGE);
      }
      return null;
    }
    if (kubeconfig != null) {
      throw new UsageException("--kubeconfig and --server/--token exclude each other\n" + USAGE);
    }
    if (server == null || token == null) {
      throw new UsageException("--server and --token go together\n" + USAGE);
    }
    if (!server.startsWith("https://")) {
      throw new UsageException("--server must be an https:// URL: " + server);
    }
    try {
      return new io.kuark.agent.join.JoinFlags(
          server.replaceAll("/+$", ""), io.kuark.agent.join.JoinToken.parse(token));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static PodNetworkMode parseMode(String value) throws UsageException {
    try {
      return PodNetworkMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--pod-network-mode: " + e.getMessage());
    }
  }

  private static int parsePort(String value) throws UsageException {
    try {
      int port = Integer.parseInt(value);
      // 0 asks for an ephemeral port (tests); the bound port is reported on the Node.
      if (port < 0 || port > 65535) {
        throw new UsageException("--port out of range: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--port is not a number: " + value);
    }
  }

  private static int parseDnsPort(String value) throws UsageException {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new UsageException("--dns-port out of range: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--dns-port is not a number: " + value);
    }
  }

  private static String checkUpstreams(String value) throws UsageException {
    try {
      HostResolvers.parse(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dns-upstream: " + e.getMessage());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** The address the host name resolves to, or loopback when it resolves to nothing useful. */
  private static String defaultNodeIp() {
    try {
      InetAddress address = InetAddress.getLocalHost();
      return address.getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
