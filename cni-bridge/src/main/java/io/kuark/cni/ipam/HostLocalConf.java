package io.kuark.cni.ipam;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.cni.CniException;
import io.kuark.cni.config.IpNet;
import io.kuark.cni.result.CniResult;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * host-local's configuration: range sets (one address is allocated from each), routes and the data
 * directory. The legacy single-range fields (subnet, rangeStart, rangeEnd, gateway) become the
 * first range set, as in the reference.
 */
public record HostLocalConf(
    List<List<IpRange>> rangeSets,
    List<CniResult.RouteEntry> routes,
    Path dataDir,
    CniResult.Dns dns) {

  public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

  public static HostLocalConf parse(JsonNode ipam) {
    try {
      List<List<IpRange>> sets = new ArrayList<>();
      if (ipam.hasNonNull("subnet")) {
        sets.add(List.of(range(ipam)));
      }
      for (JsonNode set : ipam.path("ranges")) {
        List<IpRange> ranges = new ArrayList<>();
        for (JsonNode r : set) {
          ranges.add(range(r));
        }
        if (ranges.isEmpty()) {
          throw new IllegalArgumentException("empty range set");
        }
        boolean v4 = ranges.get(0).subnet().isV4();
        for (IpRange r : ranges) {
          if (r.subnet().isV4() != v4) {
            throw new IllegalArgumentException("mixed address families in one range set");
          }
        }
        sets.add(ranges);
      }
      if (sets.isEmpty()) {
        throw new IllegalArgumentException("no IP ranges specified");
      }
      List<CniResult.RouteEntry> routes = new ArrayList<>();
      for (JsonNode r : ipam.path("routes")) {
        routes.add(
            new CniResult.RouteEntry(
                IpNet.parse(r.path("dst").asText()),
                r.hasNonNull("gw") ? IpNet.parseIp(r.get("gw").asText()) : null));
      }
      Path dataDir =
          ipam.hasNonNull("dataDir") ? Path.of(ipam.get("dataDir").asText()) : DEFAULT_DATA_DIR;
      CniResult.Dns dns =
          ipam.hasNonNull("resolvConf")
              ? ResolvConf.read(Path.of(ipam.get("resolvConf").asText()))
              : CniResult.Dns.EMPTY;
      return new HostLocalConf(sets, routes, dataDir, dns);
    } catch (IllegalArgumentException e) {
      throw new CniException(
          CniException.INVALID_NETWORK_CONFIG, "invalid host-local config: " + e.getMessage());
    }
  }

  private static IpRange range(JsonNode r) {
    if (!r.hasNonNull("subnet")) {
      throw new IllegalArgumentException("range without subnet");
    }
    return IpRange.of(
        IpNet.parse(r.get("subnet").asText()),
        ip(r, "rangeStart"),
        ip(r, "rangeEnd"),
        ip(r, "gateway"));
  }

  private static InetAddress ip(JsonNode r, String field) {
    return r.hasNonNull(field) && !r.get(field).asText().isEmpty()
        ? IpNet.parseIp(r.get(field).asText())
        : null;
  }
}
