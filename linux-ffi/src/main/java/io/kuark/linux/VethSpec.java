package io.kuark.linux;

import java.nio.file.Path;

/**
 * A veth pair to create in the socket's namespace.
 *
 * @param name the local end
 * @param peerName the other end
 * @param mtu MTU for both ends, 0 for the kernel default
 * @param mac MAC of the local end, null for a random one
 * @param peerNetns netns (pinned path) the peer is created in, null to keep it local
 * @param txQueueLen txqueuelen of both ends, -1 for the kernel default (CNI plugins use 0)
 * @param peerMac MAC of the peer, null for a random one
 */
public record VethSpec(
    String name,
    String peerName,
    int mtu,
    String mac,
    Path peerNetns,
    int txQueueLen,
    String peerMac) {

  /** A pair with a random peer MAC. */
  public VethSpec(
      String name, String peerName, int mtu, String mac, Path peerNetns, int txQueueLen) {
    this(name, peerName, mtu, mac, peerNetns, txQueueLen, null);
  }

  /** A pair with the kernel's default txqueuelen and a random peer MAC. */
  public VethSpec(String name, String peerName, int mtu, String mac, Path peerNetns) {
    this(name, peerName, mtu, mac, peerNetns, -1, null);
  }
}
