package io.kuark.agent.network.routes;

import io.fabric8.kubernetes.api.model.Node;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.Netlink;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Keeps this node's routes to the other nodes' pod CIDRs in line with the Nodes it is told about.
 * Level-triggered: every event only records the Node and asks for a sync; one worker thread
 * coalesces requests and makes the kernel match the whole current set (so a sync follows an event
 * within milliseconds), retries failures with back-off, and re-syncs every minute to repair drift.
 * Nothing is removed before the first complete Node list ({@link #nodesListed}).
 */
public final class NodeRouteManager implements NodeEvents, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeRouteManager.class);
  private static final long RESYNC_SECONDS = 60;
  private static final long MAX_RETRY_MILLIS = 30_000;

  /** Publishes this node's VTEP MAC in its Node object (VXLAN mode). */
  public interface VtepPublisher {
    void publish(String nodeName, String mac);
  }

  private final String selfName;
  private final InetAddress localIp;
  private final PeerRoutes routes;
  private final VtepPublisher publisher;
  private final Map<String, PeerNode> nodes = new ConcurrentHashMap<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ScheduledExecutorService worker;
  private volatile boolean listed;
  private volatile RuntimeException lastError;
  private int failures;

  /**
   * @param mode how peers are reached
   * @param selfName this node's name
   * @param localIp this node's InternalIP (the underlay address)
   * @param netlink rtnetlink of the namespace to program (the host's in production); the manager
   *     does not close it
   * @param publisher where the VTEP MAC goes in VXLAN mode
   */
  public NodeRouteManager(
      PodNetworkMode mode,
      String selfName,
      InetAddress localIp,
      Netlink netlink,
      VtepPublisher publisher) {
    this.selfName = selfName;
    this.localIp = localIp;
    this.publisher = publisher;
    this.routes =
        switch (mode) {
          case HOST_GW -> new HostGwRoutes(netlink, localIp);
          case VXLAN -> new VxlanRoutes(netlink, localIp);
          case NONE -> new NoPeerRoutes(netlink);
        };
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pod-routes");
              t.setDaemon(true);
              return t;
            });
    worker.scheduleWithFixedDelay(
        this::requestSync, RESYNC_SECONDS, RESYNC_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void nodeUpdated(Node node) {
    nodes.put(node.getMetadata().getName(), PeerNode.from(node));
    requestSync();
  }

  @Override
  public void nodeDeleted(String name) {
    nodes.remove(name);
    requestSync();
  }

  @Override
  public void nodesListed(Collection<Node> all) {
    Map<String, PeerNode> fresh = new ConcurrentHashMap<>();
    for (Node node : all) {
      fresh.put(node.getMetadata().getName(), PeerNode.from(node));
    }
    nodes.keySet().retainAll(fresh.keySet());
    nodes.putAll(fresh);
    listed = true;
    requestSync();
  }

  private void requestSync() {
    if (listed && pending.compareAndSet(false, true)) {
      worker.execute(this::sync);
    }
  }

  private void sync() {
    pending.set(false);
    PeerNode self = nodes.get(selfName);
    try {
      routes.sync(self, usablePeers(self, nodes.values(), selfName, localIp));
      Optional<String> mac = routes.vtepMac();
      if (self != null && mac.isPresent() && !mac.get().equalsIgnoreCase(self.vtepMac())) {
        publisher.publish(selfName, mac.get());
      }
      lastError = null;
      failures = 0;
    } catch (RuntimeException e) {
      lastError = e;
      failures++;
      long delay = Math.min(MAX_RETRY_MILLIS, 250L << Math.min(failures, 10));
      LOG.warnf("pod network routes not in sync (retry in %d ms): %s", delay, e.getMessage());
      worker.schedule(this::requestSync, delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The nodes to route to: every other node with a pod CIDR and a usable InternalIP. Left out:
   * loopback or own-address peers (a cluster on one host must never route pods via 127.0.0.1) and
   * pod CIDRs overlapping this node's own (they would hijack local pods).
   */
  static List<PeerNode> usablePeers(
      PeerNode self, Collection<PeerNode> all, String selfName, InetAddress localIp) {
    List<PeerNode> out = new ArrayList<>();
    for (PeerNode peer : all) {
      if (peer.name().equals(selfName) || peer.podCidrs().isEmpty()) {
        continue;
      }
      List<InetAddress> ips = new ArrayList<>();
      for (InetAddress ip : peer.internalIps()) {
        if (!ip.isLoopbackAddress() && !ip.isAnyLocalAddress() && !ip.equals(localIp)) {
          ips.add(ip);
        }
      }
      List<IpNet> cidrs = new ArrayList<>();
      for (IpNet cidr : peer.podCidrs()) {
        if (self == null || !overlapsAny(cidr, self.podCidrs())) {
          cidrs.add(cidr);
        }
      }
      if (ips.isEmpty() || cidrs.isEmpty()) {
        LOG.debugf("not routing to node %s: no usable InternalIP or pod CIDR", peer.name());
        continue;
      }
      out.add(new PeerNode(peer.name(), ips, cidrs, peer.vtepMac()));
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  private static boolean overlapsAny(IpNet cidr, List<IpNet> others) {
    for (IpNet other : others) {
      if (other.isV4() == cidr.isV4()
          && (other.contains(cidr.network()) || cidr.contains(other.network()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits until every sync requested so far has run (tests use it instead of sleeping) and returns
   * the error of the last one, if it failed.
   */
  public Optional<RuntimeException> awaitIdle() throws InterruptedException {
    try {
      worker.submit(() -> {}).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return Optional.ofNullable(lastError);
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
