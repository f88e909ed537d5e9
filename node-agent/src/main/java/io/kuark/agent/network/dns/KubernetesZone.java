package io.kuark.agent.network.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers questions about the cluster zone ({@code <svc>.<ns>.svc.<domain>} and friends) and the
 * reverse zones from the cluster objects, with the semantics of CoreDNS's kubernetes plugin in the
 * default Corefile ({@code pods insecure}, {@code fallthrough in-addr.arpa ip6.arpa}, {@code ttl
 * 5}): a name that cannot exist is NXDOMAIN, a name that exists without records of the asked type
 * is NODATA (NOERROR, empty answer), both with the zone's SOA in the authority section.
 */
public final class KubernetesZone {

  /** TTL of every record, as CoreDNS's default. */
  public static final long TTL = 5;

  private static final int MAX_CNAME_CHAIN = 8;

  private final String zone;
  private final ClusterView view;
  private final InetAddress dnsIp;
  private final UpstreamLookup upstream;
  private final long serial;

  /**
   * @param domain cluster domain, e.g. {@code cluster.local}
   * @param dnsIp the cluster DNS address (the zone's name server {@code ns.dns.<domain>})
   * @param upstream resolves ExternalName targets outside the zone
   * @param serial SOA serial
   */
  KubernetesZone(
      String domain, ClusterView view, InetAddress dnsIp, UpstreamLookup upstream, long serial) {
    this.zone = absolute(domain);
    this.view = view;
    this.dnsIp = dnsIp;
    this.upstream = upstream;
    this.serial = serial;
  }

  /** The zone with its trailing dot, lower case. */
  public String zone() {
    return zone;
  }

  /** True if {@code name} is the cluster zone or below it (such names are never forwarded). */
  public boolean inZone(String name) {
    String n = absolute(name);
    return n.equals(zone) || n.endsWith("." + zone);
  }

  /**
   * The answer for one question, or null when the question is not for this zone or is a reverse
   * lookup of an address the cluster does not know (those go to the upstreams, as CoreDNS's
   * fallthrough for the reverse zones does).
   */
  public DnsAnswer answer(String qname, DnsRecordType type) {
    String name = absolute(qname);
    if (name.endsWith(".in-addr.arpa.") || name.endsWith(".ip6.arpa.")) {
      return type == DnsRecordType.PTR ? reverse(name) : null;
    }
    if (!inZone(name)) {
      return null;
    }
    if (type == DnsRecordType.A || type == DnsRecordType.AAAA) {
      Found found = addresses(name, type, 0);
      return finish(found, List.of());
    }
    if (type == DnsRecordType.SRV) {
      return srv(name);
    }
    if (type == DnsRecordType.CNAME) {
      Found targets = targets(name);
      List<DnsRecord> records = new ArrayList<>();
      for (Target t : targets.targets) {
        if (!t.isAddress()) {
          records.add(DnsRecords.cname(name, absolute(t.host), TTL));
        }
      }
      return finish(new Found(targets.nameError, List.of(), records), List.of());
    }
    if (type == DnsRecordType.SOA && name.equals(zone)) {
      return DnsAnswer.of(List.of(soa()), List.of());
    }
    if (type == DnsRecordType.NS && name.equals(zone)) {
      return DnsAnswer.of(
          List.of(DnsRecords.ns(zone, nsName(), TTL)),
          List.of(DnsRecords.address(nsName(), dnsIp, TTL)));
    }
    if (type == DnsRecordType.SOA) {
      return negative(DnsResponseCode.NOERROR);
    }
    // Any other type: the name decides between NXDOMAIN and NODATA, as CoreDNS's fake A lookup.
    // Only whether the name exists matters, so an ExternalName target is not looked up.
    boolean nameError = !name.equals(nsName()) && targets(name).nameError;
    return finish(new Found(nameError, List.of(), List.of()), List.of());
  }

  /**
   * Whether answering {@code qname}/{@code type} may wait on the upstreams: an A or AAAA question
   * for a name that leads (directly or through in-zone CNAMEs, as {@link #answer} follows them) to
   * an ExternalName host outside the zone. Reads only the cluster view, so the event loop can use
   * it to choose the worker pool before any I/O.
   */
  public boolean needsUpstream(String qname, DnsRecordType type) {
    if (type != DnsRecordType.A && type != DnsRecordType.AAAA) {
      return false;
    }
    String name = absolute(qname);
    return inZone(name) && leadsOutside(name, 0);
  }

  private boolean leadsOutside(String name, int depth) {
    if (name.equals(nsName())) {
      return false;
    }
    for (Target t : targets(name).targets) {
      if (t.isAddress()) {
        continue;
      }
      String target = absolute(t.host);
      if (target.equals(name) || depth >= MAX_CNAME_CHAIN) {
        continue; // the same cuts as addresses()
      }
      if (!inZone(target) || leadsOutside(target, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  private DnsAnswer finish(Found found, List<DnsRecord> additional) {
    if (found.nameError) {
      // Before the caches are filled a miss may be wrong: SERVFAIL makes clients retry.
      return negative(view.synced() ? DnsResponseCode.NXDOMAIN : DnsResponseCode.SERVFAIL);
    }
    if (found.records.isEmpty()) {
      return negative(DnsResponseCode.NOERROR);
    }
    return DnsAnswer.of(found.records, additional);
  }

  private DnsAnswer negative(DnsResponseCode rcode) {
    return new DnsAnswer(rcode, List.of(), List.of(soa()), List.of());
  }

  private DnsRecord soa() {
    return DnsRecords.soa(zone, nsName(), "hostmaster." + zone, serial, TTL);
  }

  private String nsName() {
    return "ns.dns." + zone;
  }

  // ---- A / AAAA

  private Found addresses(String name, DnsRecordType type, int depth) {
    if (name.equals(nsName())) {
      boolean v4 = dnsIp.getAddress().length == 4;
      List<DnsRecord> ns = new ArrayList<>();
      if (v4 == (type == DnsRecordType.A)) {
        ns.add(DnsRecords.address(name, dnsIp, TTL));
      }
      return new Found(false, List.of(), ns);
    }
    Found found = targets(name);
    List<DnsRecord> records = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Target t : found.targets) {
      if (t.isAddress()) {
        InetAddress ip = t.address();
        boolean v4 = ip.getAddress().length == 4;
        if (v4 == (type == DnsRecordType.A) && seen.add(t.host)) {
          records.add(DnsRecords.address(name, ip, TTL));
        }
        continue;
      }
      String target = absolute(t.host);
      if (target.equals(name) || depth >= MAX_CNAME_CHAIN) {
        continue; // x CNAME x is a loop; long chains are cut like CoreDNS does
      }
      DnsRecord cname = DnsRecords.cname(name, target, TTL);
      if (inZone(target)) {
        Found next = addresses(target, type, depth + 1);
        if (!next.nameError && !next.records.isEmpty()) {
          records.add(cname);
          records.addAll(next.records);
        }
        continue;
      }
      try {
        List<DnsRecord> resolved = upstream.lookup(target, type);
        records.add(cname);
        records.addAll(resolved);
      } catch (IOException e) {
        // CoreDNS leaves the CNAME out when the target cannot be looked up.
      }
    }
    return new Found(found.nameError, found.targets, records);
  }

  // ---- SRV

  private DnsAnswer srv(String name) {
    Found found = targets(name);
    List<DnsRecord> records = new ArrayList<>();
    List<DnsRecord> extra = new ArrayList<>();
    Set<String> extraSeen = new LinkedHashSet<>();
    int weight = found.targets.isEmpty() ? 100 : Math.max(1, 100 / found.targets.size());
    for (Target t : found.targets) {
      if (t.port < 0) {
        continue; // an endpoint without ports has no SRV record
      }
      if (t.isAddress()) {
        records.add(DnsRecords.srv(name, 0, weight, t.port, t.owner, TTL));
        if (extraSeen.add(t.owner + " " + t.host)) {
          extra.add(DnsRecords.address(t.owner, t.address(), TTL));
        }
      } else {
        records.add(DnsRecords.srv(name, 0, weight, t.port, absolute(t.host), TTL));
      }
    }
    return finish(new Found(found.nameError, found.targets, records), extra);
  }

  // ---- PTR

  private DnsAnswer reverse(String name) {
    String ip = ReverseNames.address(name);
    if (ip == null) {
      return null;
    }
    for (Service service : view.servicesWithClusterIp(ip)) {
      String target =
          service.getMetadata().getName()
              + "."
              + service.getMetadata().getNamespace()
              + ".svc."
              + zone;
      return DnsAnswer.of(List.of(DnsRecords.ptr(name, target, TTL)), List.of());
    }
    Set<String> targets = new LinkedHashSet<>();
    for (EndpointSlice slice : view.endpointSlicesWithAddress(ip)) {
      String service = serviceName(slice);
      if (service == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (!ready(endpoint)) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          if (ip.equals(canonical(address))) {
            targets.add(
                hostname(endpoint, address)
                    + "."
                    + service
                    + "."
                    + slice.getMetadata().getNamespace()
                    + ".svc."
                    + zone);
          }
        }
      }
    }
    if (targets.isEmpty()) {
      return null;
    }
    List<DnsRecord> records = new ArrayList<>();
    for (String target : targets) {
      records.add(DnsRecords.ptr(name, target, TTL));
    }
    return DnsAnswer.of(records, List.of());
  }

  // ---- the lookup shared by every type (CoreDNS's Records/findServices/findPods)

  private Found targets(String name) {
    NameRequest r = NameRequest.parse(name, zone);
    if (!r.valid()) {
      return Found.NAME_ERROR;
    }
    if (r.kind().isEmpty()) {
      return Found.EMPTY; // apex names exist
    }
    if (!view.namespaceExists(r.namespace())) {
      return Found.NAME_ERROR;
    }
    if (r.service().isEmpty()) {
      return Found.EMPTY; // <ns>.svc.<zone> exists when the namespace does
    }
    if (r.kind().equals(NameRequest.POD)) {
      return pod(r);
    }
    Service service = view.service(r.namespace(), r.service());
    if (service == null || service.getSpec() == null) {
      return Found.NAME_ERROR;
    }
    String owner = r.service() + "." + r.namespace() + ".svc." + zone;
    if ("ExternalName".equals(service.getSpec().getType())) {
      String external = service.getSpec().getExternalName();
      if (!r.endpoint().isEmpty()
          || external == null
          || external.isEmpty()
          || NetUtil.isValidIpV4Address(external)
          || NetUtil.isValidIpV6Address(external)) {
        return Found.NAME_ERROR;
      }
      return new Found(false, List.of(new Target(external, 0, owner)), List.of());
    }
    if ("None".equals(service.getSpec().getClusterIP()) || !r.endpoint().isEmpty()) {
      return endpoints(r, owner);
    }
    List<Target> targets = new ArrayList<>();
    boolean matched = false;
    for (ServicePort port : service.getSpec().getPorts()) {
      if (!matches(r, port.getName(), port.getProtocol())) {
        continue;
      }
      matched = true;
      for (String ip : clusterIps(service)) {
        targets.add(new Target(ip, port.getPort() == null ? 0 : port.getPort(), owner));
      }
    }
    return matched ? new Found(false, targets, List.of()) : Found.NAME_ERROR;
  }

  private Found endpoints(NameRequest r, String owner) {
    List<Target> targets = new ArrayList<>();
    for (EndpointSlice slice : view.endpointSlices(r.namespace(), r.service())) {
      if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
        continue;
      }
      List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (!ready(endpoint) || endpoint.getAddresses() == null) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          String hostname = hostname(endpoint, address);
          if (!r.endpoint().isEmpty() && !r.endpoint().equalsIgnoreCase(hostname)) {
            continue;
          }
          String target = hostname + "." + owner;
          if (ports.isEmpty()) {
            // Headless Services may declare no ports: the address exists, it has no SRV record.
            if (r.port().isEmpty() && r.protocol().isEmpty()) {
              targets.add(new Target(canonical(address), -1, target));
            }
            continue;
          }
          for (EndpointPort port : ports) {
            if (matches(r, port.getName(), port.getProtocol())) {
              targets.add(
                  new Target(
                      canonical(address), port.getPort() == null ? -1 : port.getPort(), target));
            }
          }
        }
      }
    }
    return targets.isEmpty() ? Found.NAME_ERROR : new Found(false, targets, List.of());
  }

  private Found pod(NameRequest r) {
    // "pods insecure": a-b-c-d.<ns>.pod.<zone> answers the address spelled in its first label.
    String label = r.service();
    String ip =
        label.chars().filter(c -> c == '-').count() == 3 && !label.contains("--")
            ? label.replace('-', '.')
            : label.replace('-', ':');
    if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
      return Found.NAME_ERROR;
    }
    String owner = label + "." + r.namespace() + ".pod." + zone;
    return new Found(false, List.of(new Target(canonical(ip), 0, owner)), List.of());
  }

  private static boolean matches(NameRequest r, String portName, String protocol) {
    String name = portName == null ? "" : portName;
    String proto = protocol == null ? "TCP" : protocol;
    return (r.port().isEmpty() || r.port().equalsIgnoreCase(name))
        && (r.protocol().isEmpty() || r.protocol().equalsIgnoreCase(proto));
  }

  private static List<String> clusterIps(Service service) {
    List<String> ips = service.getSpec().getClusterIPs();
    if (ips == null || ips.isEmpty()) {
      String ip = service.getSpec().getClusterIP();
      ips = ip == null || ip.isEmpty() ? List.of() : List.of(ip);
    }
    List<String> result = new ArrayList<>();
    for (String ip : ips) {
      if (NetUtil.isValidIpV4Address(ip) || NetUtil.isValidIpV6Address(ip)) {
        result.add(canonical(ip));
      }
    }
    return result;
  }

  static boolean ready(Endpoint endpoint) {
    // EndpointSlice semantics: an absent condition means ready.
    return endpoint.getConditions() == null
        || endpoint.getConditions().getReady() == null
        || endpoint.getConditions().getReady();
  }

  static String serviceName(EndpointSlice slice) {
    return slice.getMetadata().getLabels() == null
        ? null
        : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
  }

  /** The endpoint's DNS label: its hostname, else its address with dashes (as CoreDNS). */
  private static String hostname(Endpoint endpoint, String address) {
    if (endpoint.getHostname() != null && !endpoint.getHostname().isEmpty()) {
      return endpoint.getHostname().toLowerCase(Locale.ROOT);
    }
    return address.replace('.', '-').replace(':', '-');
  }

  /** The textual form used for comparisons (IPv6 compressed, lower case). */
  static String canonical(String ip) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return ip;
    }
    try {
      return NetUtil.toAddressString(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return ip;
    }
  }

  static String absolute(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  /** One candidate record source: an address (or an ExternalName host), a port, its DNS name. */
  private record Target(String host, int port, String owner) {
    boolean isAddress() {
      return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    InetAddress address() {
      try {
        return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(host));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Result of a lookup: name error (NXDOMAIN) or targets; records when already rendered. */
  private record Found(boolean nameError, List<Target> targets, List<DnsRecord> records) {
    static final Found NAME_ERROR = new Found(true, List.of(), List.of());
    static final Found EMPTY = new Found(false, List.of(), List.of());
  }
}
