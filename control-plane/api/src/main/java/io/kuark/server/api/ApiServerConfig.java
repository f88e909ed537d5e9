package io.kuark.server.api;

/**
 * Network settings of the API server.
 *
 * @param bindAddress address to listen on ({@code 0.0.0.0} for all)
 * @param securePort HTTPS port, 0 for any free port
 * @param serviceCidr the Service IP range (ClusterIPs are allocated from it)
 * @param advertiseAddress the address other nodes and pods reach the API at (the {@code kubernetes}
 *     Service's endpoint)
 */
public record ApiServerConfig(
    String bindAddress, int securePort, String serviceCidr, String advertiseAddress) {}
