package io.kuark.server.api;

import io.kuark.server.api.alloc.Cidr;

/**
 * Network settings of the API server.
 *
 * @param bindAddress address to listen on ({@code 0.0.0.0} for all)
 * @param securePort HTTPS port, 0 for any free port
 * @param serviceCidr the Service IP range (ClusterIPs are allocated from it)
 * @param advertiseAddress the address other nodes and pods reach the API at (the {@code kubernetes}
 *     Service's endpoint)
 * @param clusterDns ClusterIP of the {@code kube-system/kube-dns} Service (the agents' cluster DNS
 *     address); null means the 10th address of the service CIDR
 * @param anonymousAuth {@code --anonymous-auth}: unauthenticated requests may read {@code
 *     /healthz}, {@code /livez}, {@code /readyz}, {@code /version} and {@code /cacerts}; when false
 *     every unauthenticated request gets 401
 */
public record ApiServerConfig(
    String bindAddress,
    int securePort,
    String serviceCidr,
    String advertiseAddress,
    String clusterDns,
    boolean anonymousAuth) {

  public ApiServerConfig(
      String bindAddress, int securePort, String serviceCidr, String advertiseAddress) {
    this(bindAddress, securePort, serviceCidr, advertiseAddress, null);
  }

  /** With anonymous requests allowed on the public health and version paths (the default). */
  public ApiServerConfig(
      String bindAddress,
      int securePort,
      String serviceCidr,
      String advertiseAddress,
      String clusterDns) {
    this(bindAddress, securePort, serviceCidr, advertiseAddress, clusterDns, true);
  }

  /** The kube-dns ClusterIP: {@link #clusterDns} or the 10th address of the service CIDR. */
  public String clusterDnsIp() {
    return clusterDns != null ? clusterDns : Cidr.parse(serviceCidr).host(10);
  }
}
