package io.kuark.agent.network.dns;

import java.util.Locale;

/**
 * A name inside the cluster zone split the way CoreDNS's kubernetes plugin splits it: {@code
 * [_port._proto. | endpoint.]service.namespace.(svc|pod).<zone>}. Absent parts are "".
 *
 * @param kind "svc", "pod", or "" for the apex names ({@code <zone>}, {@code svc.<zone>}, {@code
 *     pod.<zone>}) which exist but hold no records
 * @param valid false for names that cannot exist in the zone (too many labels, neither svc nor pod)
 */
record NameRequest(
    String port,
    String protocol,
    String endpoint,
    String service,
    String namespace,
    String kind,
    boolean valid) {

  static final String SVC = "svc";
  static final String POD = "pod";

  /** Parses {@code name} (lower case, absolute, inside {@code zone}, both with trailing dots). */
  static NameRequest parse(String name, String zone) {
    String base =
        name.length() == zone.length() ? "" : name.substring(0, name.length() - zone.length() - 1);
    base = base.toLowerCase(Locale.ROOT);
    if (base.isEmpty() || base.equals(SVC) || base.equals(POD)) {
      return new NameRequest("", "", "", "", "", "", true);
    }
    String[] segs = base.split("\\.", -1);
    int n = segs.length;
    String kind = segs[n - 1];
    if (!kind.equals(SVC) && !kind.equals(POD)) {
      return invalid();
    }
    String namespace = segs[n - 2];
    return switch (n) {
      case 2 -> new NameRequest("", "", "", "", namespace, kind, true);
      case 3 -> new NameRequest("", "", "", segs[0], namespace, kind, true);
      case 4 -> new NameRequest("", "", segs[0], segs[1], namespace, kind, true);
      case 5 ->
          new NameRequest(
              stripUnderscore(segs[0]),
              stripUnderscore(segs[1]),
              "",
              segs[2],
              namespace,
              kind,
              true);
      default -> invalid();
    };
  }

  private static NameRequest invalid() {
    return new NameRequest("", "", "", "", "", "", false);
  }

  private static String stripUnderscore(String label) {
    return label.startsWith("_") ? label.substring(1) : label;
  }
}
