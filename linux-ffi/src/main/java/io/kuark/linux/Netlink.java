package io.kuark.linux;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * rtnetlink operations on one network namespace: the one the socket was opened in (see {@link
 * Linux#netlink()} and {@link Linux#netlink(Path)}); the calling thread's namespace does not matter
 * afterwards. Thread-safe (requests are serialised). Kernel refusals are {@link NetlinkException}s
 * carrying errno, e.g. EEXIST for a duplicate link/address/route, ENODEV for an unknown link, and
 * ESRCH for deleting a missing route. Close to release the socket.
 */
public interface Netlink extends AutoCloseable {

  // ---- links

  List<Link> links();

  Optional<Link> link(String name);

  Optional<Link> link(int index);

  /** The link or a NetlinkException with ENODEV. */
  Link requireLink(String name);

  /**
   * Creates a bridge; {@code mtu} 0 keeps the default; {@code vlanFiltering} sets vlan_filtering.
   */
  void createBridge(String name, int mtu, boolean vlanFiltering);

  /** Creates a veth pair, the peer optionally directly in another netns. */
  void createVeth(VethSpec spec);

  void createVxlan(VxlanSpec spec);

  /** Creates a dummy link (a host-local device that only holds addresses, e.g. a node-local IP). */
  void createDummy(String name);

  void setUp(String name, boolean up);

  void setMtu(String name, int mtu);

  /** Enslaves to a bridge; {@code master} null releases it. */
  void setMaster(String name, String master);

  void setMac(String name, String mac);

  void setPromisc(String name, boolean on);

  /** Moves the link into the network namespace pinned at {@code netns}. */
  void moveToNetns(String name, Path netns);

  /** Sets the bridge-port hairpin mode (IFLA_BRPORT_MODE) of a port. */
  void setHairpin(String port, boolean on);

  /** Adds a VLAN on a bridge port (bridge vlan add … master), optionally as PVID and untagged. */
  void addBridgeVlan(String port, int vid, boolean pvid, boolean untagged);

  /** Deletes a link; returns false if it did not exist. Deleting one veth end removes both. */
  boolean deleteLink(String name);

  // ---- addresses

  /** Addresses of one family (AF_INET 2, AF_INET6 10, or 0 for both). */
  List<IfAddress> addresses(int family);

  List<IfAddress> addresses(String link);

  /** Adds an address (IPv4 gets the subnet broadcast for prefixes below /31). */
  void addAddress(String link, InetAddress address, int prefixLength);

  /** Deletes an address; returns false if it was not there. */
  boolean deleteAddress(String link, InetAddress address, int prefixLength);

  // ---- routes

  /** Routes of one family (0 for both), all tables; filter on {@link Route#table()} as needed. */
  List<Route> routes(int family);

  /** Adds a route; EEXIST if an equal one exists. */
  void addRoute(Route route);

  /** Adds or replaces the route with the same destination, table and metric. */
  void replaceRoute(Route route);

  /** Deletes a matching route; returns false if there was none. */
  boolean deleteRoute(Route route);

  // ---- neighbours

  List<Neighbour> neighbours(int family);

  /** Adds or replaces a neighbour / fdb entry. */
  void replaceNeighbour(Neighbour neighbour);

  /** Deletes a neighbour / fdb entry; returns false if it was not there. */
  boolean deleteNeighbour(Neighbour neighbour);

  // ---- several requests in one round trip

  /** A new, empty batch of requests on this socket (see {@link NetlinkBatch}). */
  NetlinkBatch batch();

  @Override
  void close();
}
