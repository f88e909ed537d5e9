package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Computes the whole desired {@link Ruleset} from Services and EndpointSlices (a pure function of
 * its inputs, so the proxy is level-triggered: any change recomputes, {@link NftScripts#diff}
 * programs the difference).
 *
 * <p>Per service port with endpoints: an endpoint chain per backend (hairpin masquerade, affinity
 * update, DNAT), a cluster chain (masquerade off-cluster clients, affinity lookups, random choice),
 * a local chain when a traffic policy is Local, and an external chain for NodePort, externalIPs and
 * LoadBalancer traffic. A port without endpoints only gets reject entries.
 */
final class RulesetBuilder {
  private static final Logger LOG = Logger.getLogger(RulesetBuilder.class);

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

  Ruleset build(List<Service> services, List<EndpointSlice> slices) {
    Map<String, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      String name = labels == null ? null : labels.get("kubernetes.io/service-name");
      if (name != null) {
        byService
            .computeIfAbsent(
                slice.getMetadata().getNamespace() + "/" + name, k -> new ArrayList<>())
            .add(slice);
      }
    }
    List<Service> sorted = new ArrayList<>(services);
    // Oldest first, then by name: when two Services claim the same node port or external
    // address, the older one keeps it, whatever order the informer delivered them in.
    sorted.sort(
        Comparator.comparing(
                (Service s) ->
                    s.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : s.getMetadata().getCreationTimestamp())
            .thenComparing(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()));
    Ruleset rules = new Ruleset();
    for (Service service : sorted) {
      if (!proxied(service) || service.getSpec().getPorts() == null) {
        continue;
      }
      String ns = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      List<EndpointSlice> own = byService.getOrDefault(ns + "/" + name, List.of());
      for (ServicePort port : service.getSpec().getPorts()) {
        addPort(rules, service, port, own);
      }
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

    String id = chainId(key, proto);
    Integer affinityTimeout = affinityTimeout(spec);
    List<Endpoint> local = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (e.local()) {
        local.add(e);
      }
      rules.chain(endpointChain(id, e), endpointRules(rules, id, e, proto, affinityTimeout));
    }
    String cluster = "svc-" + id;
    List<String> clusterRules = new ArrayList<>();
    // Clients outside the pod network (the host, other nodes) would get replies straight from the
    // pod, which they never talked to: masquerade them.
    clusterRules.add("ip saddr != " + config.clusterCidr() + " jump mark-for-masquerade");
    clusterRules.addAll(dispatch(id, endpoints, affinityTimeout));
    rules.chain(cluster, clusterRules);

    boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
    boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
    String localChain = "loc-" + id;
    if (internalLocal || externalLocal) {
      // No local endpoint: upstream drops rather than sending the packet to another node.
      rules.chain(
          localChain, local.isEmpty() ? List.of("drop") : dispatch(id, local, affinityTimeout));
    }
    String internal = cluster;
    if (internalLocal) {
      internal = "int-" + id;
      rules.chain(
          internal,
          List.of(
              "ip saddr != " + config.clusterCidr() + " jump mark-for-masquerade",
              "goto " + localChain));
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
              "fib saddr type local jump mark-for-masquerade",
              "fib saddr type local goto " + cluster,
              "goto " + localChain));
    } else {
      rules.chain(external, List.of("jump mark-for-masquerade", "goto " + cluster));
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
      LOG.warnf("service port %s: %s is already used by an older service; skipped", key, element);
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

  private List<String> endpointRules(
      Ruleset rules, String id, Endpoint e, String proto, Integer affinityTimeout) {
    List<String> out = new ArrayList<>();
    // Hairpin: a pod reaching itself through its Service must see the reply come from the
    // service address, so it is masqueraded.
    out.add("ip saddr " + e.ip() + " jump mark-for-masquerade");
    if (affinityTimeout != null) {
      String set = affinitySet(id, e, affinityTimeout);
      rules.set(
          set, "{ type ipv4_addr; flags dynamic,timeout; timeout " + affinityTimeout + "s; }");
      out.add("update @" + set + " { ip saddr }");
    }
    out.add("meta l4proto " + proto + " dnat to " + e.address());
    return out;
  }

  private static List<String> dispatch(
      String id, List<Endpoint> endpoints, Integer affinityTimeout) {
    List<String> out = new ArrayList<>();
    if (affinityTimeout != null) {
      for (Endpoint e : endpoints) {
        out.add(
            "ip saddr @" + affinitySet(id, e, affinityTimeout) + " goto " + endpointChain(id, e));
      }
    }
    StringBuilder vmap = new StringBuilder("numgen random mod ").append(endpoints.size());
    vmap.append(" vmap { ");
    for (int i = 0; i < endpoints.size(); i++) {
      if (i > 0) {
        vmap.append(", ");
      }
      vmap.append(i).append(" : goto ").append(endpointChain(id, endpoints.get(i)));
    }
    out.add(vmap.append(" }").toString());
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
