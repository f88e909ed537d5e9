package io.kuark.agent;

/**
 * The agent's cluster DNS server settings (its address and domain are {@link
 * AgentConfig#clusterDns()} and {@link AgentConfig#clusterDomain()}).
 *
 * @param port listening port on the cluster DNS address ({@code --dns-port}, 53; 0 picks one)
 * @param link host link that holds the cluster DNS address as a /32 ({@code --dns-link})
 * @param upstreams {@code --dns-upstream ip[:port],…}; empty means the host's /etc/resolv.conf
 * @param removeLinkOnStop {@code --dns-remove-link}: delete the link when the agent stops. Off by
 *     default: pods keep running across an agent restart with the cluster DNS address in their
 *     resolv.conf, and while the address stays local their queries fail fast (port unreachable)
 *     instead of leaving the node through a route; the restarted agent reuses the link.
 */
public record DnsFlags(int port, String link, String upstreams, boolean removeLinkOnStop) {

  public static DnsFlags defaults() {
    return new DnsFlags(53, "kuark-dns", "", false);
  }
}
