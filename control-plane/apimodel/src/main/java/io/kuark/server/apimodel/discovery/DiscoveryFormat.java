package io.kuark.server.apimodel.discovery;

import java.util.Locale;

/**
 * Which discovery representation a client asked for in its {@code Accept} header.
 *
 * <p>kubectl 1.30+ sends {@code
 * application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json};
 * kubectl 1.27–1.29 ask for v2beta1 only. The first acceptable entry wins, like upstream.
 */
public enum DiscoveryFormat {
  /** {@code apidiscovery.k8s.io/v2} APIGroupDiscoveryList. */
  AGGREGATED_V2("v2"),
  /** {@code apidiscovery.k8s.io/v2beta1} APIGroupDiscoveryList (same shape as v2). */
  AGGREGATED_V2BETA1("v2beta1"),
  /** The unaggregated documents: APIVersions / APIGroupList / APIGroup / APIResourceList. */
  LEGACY(null);

  private final String version;

  DiscoveryFormat(String version) {
    this.version = version;
  }

  /** The apiVersion of an aggregated document, e.g. {@code apidiscovery.k8s.io/v2}. */
  public String apiVersion() {
    return version == null ? "v1" : "apidiscovery.k8s.io/" + version;
  }

  /** True for the aggregated formats. */
  public boolean aggregated() {
    return version != null;
  }

  /** The Content-Type to answer with. */
  public String contentType() {
    return version == null
        ? "application/json"
        : "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
  }

  /**
   * Picks the format for an Accept header: the first entry naming {@code as=APIGroupDiscoveryList}
   * with a known version, or legacy when none does (or the header is absent).
   */
  public static DiscoveryFormat fromAccept(String accept) {
    if (accept == null) {
      return LEGACY;
    }
    for (String entry : accept.split(",")) {
      String g = null;
      String v = null;
      String as = null;
      String[] parts = entry.split(";");
      if (!parts[0]
          .trim()
          .toLowerCase(Locale.ROOT)
          .matches("application/json|\\*/\\*|application/\\*")) {
        continue;
      }
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0].trim()) {
          case "g" -> g = kv[1].trim();
          case "v" -> v = kv[1].trim();
          case "as" -> as = kv[1].trim();
          default -> {}
        }
      }
      if (as == null && g == null) {
        return LEGACY;
      }
      if ("apidiscovery.k8s.io".equals(g) && "APIGroupDiscoveryList".equals(as)) {
        if ("v2".equals(v)) {
          return AGGREGATED_V2;
        }
        if ("v2beta1".equals(v)) {
          return AGGREGATED_V2BETA1;
        }
      }
    }
    return LEGACY;
  }
}
