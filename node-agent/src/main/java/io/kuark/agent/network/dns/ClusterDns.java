package io.kuark.agent.network.dns;

import io.kuark.linux.Netlink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The node's cluster DNS: the zone over a {@link ClusterView}, the forwarder with its cache, the
 * UDP/TCP server, and (optionally) the host link that owns the cluster DNS address.
 */
public final class ClusterDns implements AutoCloseable {

  /**
   * @param domain cluster domain ({@code --cluster-domain})
   * @param address the cluster DNS IP the server listens on ({@code --cluster-dns})
   * @param port listening port ({@code --dns-port}; 0 picks a free one)
   * @param upstreams resolvers for names outside the cluster domain
   */
  public record Settings(
      String domain, InetAddress address, int port, List<InetSocketAddress> upstreams) {}

  private final DnsServer server;
  private final DnsLink link;
  private final boolean removeLinkOnStop;

  private ClusterDns(DnsServer server, DnsLink link, boolean removeLinkOnStop) {
    this.server = server;
    this.link = link;
    this.removeLinkOnStop = removeLinkOnStop;
  }

  /**
   * Starts the server bound to the settings' address. Sockets belong to the calling thread's
   * network namespace.
   */
  public static ClusterDns start(ClusterView view, Settings settings) throws InterruptedException {
    return start(view, settings, null, false);
  }

  /**
   * Like {@link #start(ClusterView, Settings)}, first making sure {@code linkName} (in the
   * namespace of {@code netlink}) holds the address; the link is deleted on {@link #close()} only
   * when {@code removeLinkOnStop}.
   */
  public static ClusterDns start(
      ClusterView view,
      Settings settings,
      Netlink netlink,
      String linkName,
      boolean removeLinkOnStop)
      throws InterruptedException {
    DnsLink link = new DnsLink(netlink, linkName, settings.address());
    link.ensure();
    return start(view, settings, link, removeLinkOnStop);
  }

  private static ClusterDns start(
      ClusterView view, Settings settings, DnsLink link, boolean removeLinkOnStop)
      throws InterruptedException {
    UpstreamForwarder forwarder =
        new UpstreamForwarder(settings.upstreams(), Duration.ofSeconds(2));
    ResponseCache cache = new ResponseCache(Clock.systemUTC(), 10_000, 30);
    long serial = System.currentTimeMillis() / 1000;
    ClusterDnsHandler handler =
        new ClusterDnsHandler(
            upstream ->
                new KubernetesZone(settings.domain(), view, settings.address(), upstream, serial),
            forwarder,
            cache);
    DnsServer server = new DnsServer(handler);
    try {
      server.bind(new InetSocketAddress(settings.address(), settings.port()));
    } catch (Throwable e) {
      // Netty rethrows bind failures (BindException) unchecked: release threads on every path.
      server.close();
      throw e;
    }
    return new ClusterDns(server, link, removeLinkOnStop);
  }

  public int udpPort() {
    return server.udpPort();
  }

  public int tcpPort() {
    return server.tcpPort();
  }

  public boolean epoll() {
    return server.epoll();
  }

  @Override
  public void close() {
    server.close();
    if (link != null && removeLinkOnStop) {
      link.remove();
    }
  }
}
