package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Renders one Service with its EndpointSlices into a {@link Ruleset} (a pure function of its
 * inputs; {@link ProxyTable} merges the Services and works out what changed).
 *
 * <p>Per service port with endpoints: a cluster chain (masquerade off-cluster clients, affinity
 * lookups, random choice of an endpoint and DNAT), a local chain when a traffic policy is Local, an
 * external chain for NodePort, externalIPs and LoadBalancer traffic, and with session affinity an
 * endpoint chain per backend (affinity update, DNAT). Every endpoint address goes into the hairpin
 * set. A port without endpoints only gets reject entries.
 */
final class RulesetBuilder {
  private static final Logger LOG = Logger.getLogger(RulesetBuilder.class);

  /** Marks a packet for masquerading in postrouting (inline: no jump, less for nft to check). */
  static final String MARK_MASQ = "meta mark set meta mark | " + NftScripts.MASQ_MARK;

  private final ProxyConfig config;

  RulesetBuilder(ProxyConfig config) {
    this.config = config;
  }

  /** Whether the proxy programs this Service at all. */
  boolean proxied(Service service) {
    ServiceSpec spec = service.getSpec();
    if (spec == null || "ExternalName".equals(spec.getType())) {
      return false;
    }
    String ip = spec.getClusterIP();
    if (ip == null || ip.isEmpty() || "None".equals(ip) || !ip.contains(".")) {
      return false; // headless, not yet allocated, or IPv6 (this proxy programs IPv4)
    }
    return !ip.equals(config.clusterDns()); // the DNS server answers there itself
  }

  /** Whether this agent answers for the Service on its node addresses (k3s-style ServiceLB). */
  static boolean servedLoadBalancer(Service service) {
    return service.getSpec() != null
        && "LoadBalancer".equals(service.getSpec().getType())
        && service.getSpec().getLoadBalancerClass() == null;
  }

  /**
   * The whole desired table for {@code services} (tests and benchmarks; the proxy itself renders
   * per Service and merges through {@link ProxyTable}).
   */
  Ruleset build(List<Service> services, List<EndpointSlice> slices) {
    Map<String, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice slice : slices) {
      String key = serviceOf(slice);
      if (key != null) {
        byService.computeIfAbsent(key, k -> new ArrayList<>()).add(slice);
      }
    }
    ProxyTable table = new ProxyTable();
    NftTransaction ignored = NftTransaction.discarding();
    for (Service service : services) {
      String key = key(service);
      table.put(
          key, orderKey(service), render(service, byService.getOrDefault(key, List.of())), ignored);
    }
    return table.snapshot();
  }

  /** {@code namespace/name} of a Service. */
  static String key(Service service) {
    return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
  }

  /** {@code namespace/name} of the Service an EndpointSlice belongs to, or null. */
  static String serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String name = labels == null ? null : labels.get("kubernetes.io/service-name");
    return name == null ? null : slice.getMetadata().getNamespace() + "/" + name;
  }

  /**
   * Precedence when two Services claim the same node port or external address: the older one keeps
   * it, ties broken by name, whatever order the informer delivered them in.
   */
  static String orderKey(Service service) {
    String created = service.getMetadata().getCreationTimestamp();
    return (created == null ? "" : created) + " " + key(service);
  }

  /**
   * The rules of one Service with its EndpointSlices, or null when the proxy does not program it
   * (headless, ExternalName, cluster DNS, no IPv4 ClusterIP). A pure function of its inputs.
   */
  Ruleset render(Service service, List<EndpointSlice> slices) {
    if (!proxied(service) || service.getSpec().getPorts() == null) {
      return null;
    }
    Ruleset rules = new Ruleset();
    rules.clusterIp(service.getSpec().getClusterIP());
    for (ServicePort port : service.getSpec().getPorts()) {
      addPort(rules, service, port, slices);
    }
    return rules;
  }

  private void addPort(
      Ruleset rules, Service service, ServicePort port, List<EndpointSlice> slices) {
    ServiceSpec spec = service.getSpec();
    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
    String proto = protocol.toLowerCase(Locale.ROOT);
    if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
      return;
    }
    if (port.getPort() == null) {
      return;
    }
    ServicePortKey key =
        new ServicePortKey(
            service.getMetadata().getNamespace(),
            service.getMetadata().getName(),
            port.getName() == null ? "" : port.getName());
    List<Endpoint> endpoints =
        EndpointSelector.select(slices, key.port(), protocol, config.nodeName());
    String suffix = " . " + proto + " . " + port.getPort();
    List<String> externalIps = new ArrayList<>();
    if (spec.getExternalIPs() != null) {
      for (String ip : spec.getExternalIPs()) {
        if (ip.contains(".")) {
          externalIps.add(ip);
        }
      }
    }
    if (servedLoadBalancer(service)) {
      externalIps.addAll(config.nodeIps());
    }
    Integer nodePort = port.getNodePort();
    boolean hasNodePort =
        nodePort != null
            && nodePort > 0
            && ("NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType()));

    if (proto.equals("udp")) {
      Set<String> ips = new TreeSet<>();
      for (Endpoint e : endpoints) {
        ips.add(e.ip());
      }
      rules.udpDestination(spec.getClusterIP(), port.getPort(), ips);
      for (String ip : externalIps) {
        rules.udpDestination(ip, port.getPort(), ips);
      }
      if (hasNodePort) {
        rules.udpDestination(null, nodePort, ips);
      }
    }
    if (endpoints.isEmpty()) {
      String reject = "goto reject-chain";
      claim(rules, Ruleset.NO_ENDPOINT_SERVICES, spec.getClusterIP() + suffix, reject, key);
      for (String ip : externalIps) {
        claim(rules, Ruleset.NO_ENDPOINT_SERVICES, ip + suffix, reject, key);
      }
      if (hasNodePort) {
        claim(rules, Ruleset.NO_ENDPOINT_NODEPORTS, proto + " . " + nodePort, reject, key);
      }
      return;
    }

    Integer affinityTimeout = affinityTimeout(spec);
    boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
    boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
    if (affinityTimeout == null
        && !internalLocal
        && externalIps.isEmpty()
        && !hasNodePort
        && endpoints.size() <= NftScripts.MAX_SHARED_PICK) {
      // The common case gets no chain of its own: a shared chain per endpoint count picks the
      // endpoint from one map. A change is then a few map elements, and the table keeps few chains
      // (nft reads all chains before every transaction).
      String address = spec.getClusterIP() + suffix;
      claim(
          rules,
          Ruleset.SERVICE_IPS,
          address,
          "goto " + NftScripts.pickChain(endpoints.size()),
          key);
      for (int i = 0; i < endpoints.size(); i++) {
        Endpoint e = endpoints.get(i);
        rules.hairpin(e.ip());
        rules.element(Ruleset.SERVICE_ENDPOINTS, address + " . " + i, e.ip() + " . " + e.port());
      }
      return;
    }
    String id = chainId(key, proto);
    List<Endpoint> local = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.local()) {
        local.add(e);
      }
      rules.hairpin(e.ip());
      if (affinityTimeout != null) {
        rules.chain(endpointChain(id, e), endpointRules(rules, id, e, proto, affinityTimeout));
      }
    }
    String cluster = "svc-" + id;
    List<String> clusterRules = new ArrayList<>();
    // Clients outside the pod network (the host, other nodes) would get replies straight from the
    // pod, which they never talked to: masquerade them.
    clusterRules.add("ip saddr != " + config.clusterCidr() + " " + MARK_MASQ);
    clusterRules.addAll(dispatch(id, endpoints, proto, affinityTimeout));
    rules.chain(cluster, clusterRules);

    String localChain = "loc-" + id;
    if (internalLocal || externalLocal) {
      // No local endpoint: upstream drops rather than sending the packet to another node.
      rules.chain(
          localChain,
          local.isEmpty() ? List.of("drop") : dispatch(id, local, proto, affinityTimeout));
    }
    String internal = cluster;
    if (internalLocal) {
      internal = "int-" + id;
      rules.chain(
          internal,
          List.of("ip saddr != " + config.clusterCidr() + " " + MARK_MASQ, "goto " + localChain));
    }
    claim(rules, Ruleset.SERVICE_IPS, spec.getClusterIP() + suffix, "goto " + internal, key);

    if (externalIps.isEmpty() && !hasNodePort) {
      return;
    }
    String external = "ext-" + id;
    if (externalLocal) {
      rules.chain(
          external,
          List.of(
              // Pods and the node itself are not "external": they use every endpoint.
              "ip saddr " + config.clusterCidr() + " goto " + cluster,
              "fib saddr type local " + MARK_MASQ,
              "fib saddr type local goto " + cluster,
              "goto " + localChain));
    } else {
      rules.chain(external, List.of(MARK_MASQ, "goto " + cluster));
    }
    for (String ip : externalIps) {
      claim(rules, Ruleset.SERVICE_IPS, ip + suffix, "goto " + external, key);
    }
    if (hasNodePort) {
      claim(rules, Ruleset.SERVICE_NODEPORTS, proto + " . " + nodePort, "goto " + external, key);
    }
  }

  private static void claim(
      Ruleset rules, String map, String element, String verdict, ServicePortKey key) {
    if (!rules.element(map, element, verdict)) {
      LOG.warnf("service port %s: %s is already used by another port; skipped", key, element);
    }
  }

  private static Integer affinityTimeout(ServiceSpec spec) {
    if (!"ClientIP".equals(spec.getSessionAffinity())) {
      return null;
    }
    var cfg = spec.getSessionAffinityConfig();
    if (cfg != null && cfg.getClientIP() != null && cfg.getClientIP().getTimeoutSeconds() != null) {
      return cfg.getClientIP().getTimeoutSeconds();
    }
    return 10800; // upstream default: 3 hours
  }

  /** Rules of an endpoint chain; only Services with session affinity have them. */
  private List<String> endpointRules(
      Ruleset rules, String id, Endpoint e, String proto, int affinityTimeout) {
    String set = affinitySet(id, e, affinityTimeout);
    rules.set(set, "{ type ipv4_addr; flags dynamic,timeout; timeout " + affinityTimeout + "s; }");
    return List.of("update @" + set + " { ip saddr }", dnat(proto, e));
  }

  private static String dnat(String proto, Endpoint e) {
    return "meta l4proto " + proto + " dnat to " + e.address();
  }

  /**
   * Uniform random choice of one endpoint as a cascade (rule i takes the packet with probability
   * 1/(n-i), the last one takes the rest), as upstream's iptables mode. No anonymous sets and no
   * chain per endpoint: nft fetches every chain and set of the table before each transaction, so
   * their number decides what even a one-line change costs. With session affinity, clients found in
   * an endpoint's timed set go to that endpoint first.
   */
  private static List<String> dispatch(
      String id, List<Endpoint> endpoints, String proto, Integer affinityTimeout) {
    List<String> out = new ArrayList<>();
    if (affinityTimeout != null) {
      for (Endpoint e : endpoints) {
        out.add(
            "ip saddr @" + affinitySet(id, e, affinityTimeout) + " goto " + endpointChain(id, e));
      }
    }
    int n = endpoints.size();
    for (int i = 0; i < n; i++) {
      Endpoint e = endpoints.get(i);
      String action = affinityTimeout != null ? "goto " + endpointChain(id, e) : dnat(proto, e);
      out.add(i < n - 1 ? "numgen random mod " + (n - i) + " == 0 " + action : action);
    }
    return out;
  }

  /**
   * A chain id that is stable for the service port and short enough for nftables names: a hash
   * (unique) followed by a readable part (for people reading {@code nft list table}).
   */
  static String chainId(ServicePortKey key, String proto) {
    String readable = (key.namespace() + "/" + key.name() + "/" + proto + "/" + key.port());
    if (readable.length() > 100) {
      readable = readable.substring(0, 100);
    }
    return hash(key + "/" + proto) + "-" + readable.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static String endpointChain(String id, Endpoint e) {
    return "ep-" + hash(id + "/" + e.address()) + "-" + e.ip().replace('.', '_') + "_" + e.port();
  }

  private static String affinitySet(String id, Endpoint e, int timeout) {
    return "aff-" + hash(id + "/" + e.address() + "/" + timeout);
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
