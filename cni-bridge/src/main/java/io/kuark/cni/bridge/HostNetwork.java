package io.kuark.cni.bridge;

import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.nio.file.Path;

/**
 * Where the plugin's "host" side lives: the caller's network namespace (production) or a pinned one
 * (tests run whole "hosts" in throwaway namespaces).
 *
 * <p>In the caller's namespace one netlink socket serves every call (sockets are thread-safe, and
 * opening one per ADD is a visible part of an in-process ADD). A pinned namespace gets a socket per
 * call: a socket kept open would keep a test's deleted namespace, and its bridge, alive.
 */
public final class HostNetwork {
  private static final Path SELF = Path.of("/proc/self/ns/net");

  private final Linux linux;
  private final Path netns;
  private volatile Netlink shared;

  /**
   * @param netns a pinned netns, or null for the caller's own
   */
  public HostNetwork(Linux linux, Path netns) {
    this.linux = linux;
    this.netns = netns;
  }

  public Linux linux() {
    return linux;
  }

  /** The pinned namespace, or null for the caller's own. */
  public Path netns() {
    return netns;
  }

  /** A netlink socket on the host side; hand it back with {@link #release}. */
  public Netlink netlink() {
    if (netns != null) {
      return linux.netlink(netns);
    }
    Netlink s = shared;
    if (s == null) {
      synchronized (this) {
        s = shared;
        if (s == null) {
          s = linux.netlink();
          shared = s;
        }
      }
    }
    return s;
  }

  /** Closes a socket from {@link #netlink()} unless it is the shared one. */
  public void release(Netlink socket) {
    if (socket != shared) {
      socket.close();
    }
  }

  /** A path naming the host namespace, for IFLA_NET_NS_FD. */
  public Path netnsPath() {
    return netns == null ? SELF : netns;
  }

  public void sysctl(String key, String value) {
    if (netns == null) {
      linux.sysctl().set(key, value);
    } else {
      linux.sysctl().setInNetns(netns, key, value);
    }
  }

  public String sysctl(String key) {
    return netns == null ? linux.sysctl().get(key) : linux.sysctl().getInNetns(netns, key);
  }

  /**
   * Sets a key that every ADD needs (e.g. forwarding): in the caller's namespace it is read first
   * and written only when it differs (a read is as cheap as a write, and leaves the kernel alone);
   * in a pinned namespace it is written, as either costs the same trip to a namespace thread.
   */
  public void ensureSysctl(String key, String value) {
    if (netns == null && value.equals(linux.sysctl().get(key))) {
      return;
    }
    sysctl(key, value);
  }
}
