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

  /** The same settings with the port actually bound (when {@link #securePort} was 0). */
  public ApiServerConfig withSecurePort(int port) {
    return new ApiServerConfig(
        bindAddress, port, serviceCidr, advertiseAddress, clusterDns, anonymousAuth);
  }

  /** The kube-dns ClusterIP: {@link #clusterDns} or the 10th address of the service CIDR. */
  public String clusterDnsIp() {
    return clusterDns != null ? clusterDns : Cidr.parse(serviceCidr).host(10);
  }
}
