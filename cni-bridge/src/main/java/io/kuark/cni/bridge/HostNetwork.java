package io.kuark.cni.bridge;

import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.nio.file.Path;

/**
 * Where the plugin's "host" side lives: the caller's network namespace (production) or a pinned one
 * (tests run whole "hosts" in throwaway namespaces).
 */
public record HostNetwork(Linux linux, Path netns) {
  private static final Path SELF = Path.of("/proc/self/ns/net");

  /** A netlink socket on the host side; the caller closes it. */
  public Netlink netlink() {
    return netns == null ? linux.netlink() : linux.netlink(netns);
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
}
