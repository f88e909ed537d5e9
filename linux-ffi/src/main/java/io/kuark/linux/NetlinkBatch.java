package io.kuark.linux;

import java.net.InetAddress;
import java.util.List;

/**
 * Several rtnetlink requests sent to the kernel in one message (one send, one wait): the kernel
 * handles them in order, each seeing the effect of the ones before, and acknowledges each. Cheaper
 * than one round trip per request, which costs two system calls and, on a busy machine, a wait for
 * the CPU after each reply.
 *
 * <p>The kernel carries on with the later requests after a failed one; {@link #execute()} then
 * throws the {@link NetlinkException} of the first failed request (in the order they were added)
 * once every request has been answered. Use it for steps whose partial effect the caller cleans up
 * anyway on failure (e.g. a CNI ADD's rollback). Not thread-safe; the socket it was made from is.
 */
public interface NetlinkBatch {

  /**
   * Creates a veth pair as {@link Netlink#createVeth}; the local end is also enslaved to {@code
   * masterIndex} (0: none) and, with {@code up}, brought up as part of its creation.
   */
  NetlinkBatch createVeth(VethSpec spec, int masterIndex, boolean up);

  /** Brings a link up or down, named (no index look-up needed). */
  NetlinkBatch setUp(String name, boolean up);

  /** Sets the bridge-port hairpin mode of the port with this ifindex. */
  NetlinkBatch setHairpin(int portIndex, boolean on);

  /** Adds an address to the link with this ifindex (IPv4 gets the subnet broadcast below /31). */
  NetlinkBatch addAddress(int linkIndex, InetAddress address, int prefixLength);

  /** Adds a route; EEXIST if an equal one exists. */
  NetlinkBatch addRoute(Route route);

  /** Reads a link by name (after the requests before it); {@link #execute()} returns it. */
  NetlinkBatch getLink(String name);

  /** Number of requests added so far. */
  int size();

  /**
   * Sends the requests and waits for every answer; returns the links asked for with {@link
   * #getLink}, in order. An empty batch sends nothing.
   */
  List<Link> execute();
}
