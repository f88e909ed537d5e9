package io.kuark.linux;

/**
 * A network interface as rtnetlink reports it.
 *
 * @param index kernel ifindex
 * @param name interface name
 * @param kind link kind from IFLA_INFO_KIND ("bridge", "veth", "vxlan", …); empty for plain devices
 * @param mtu MTU in bytes
 * @param mac hardware address as lower-case colon hex; empty if none
 * @param masterIndex ifindex of the master (bridge) or 0
 * @param flags IFF_* flags
 * @param linkNetnsId IFLA_LINK_NETNSID of the peer (veth) or -1
 */
public record Link(
    int index,
    String name,
    String kind,
    int mtu,
    String mac,
    int masterIndex,
    int flags,
    int linkNetnsId) {
  public static final int IFF_UP = 0x1;
  public static final int IFF_PROMISC = 0x100;
  public static final int IFF_LOWER_UP = 0x10000;

  /** Administratively up. */
  public boolean isUp() {
    return (flags & IFF_UP) != 0;
  }

  public boolean isPromisc() {
    return (flags & IFF_PROMISC) != 0;
  }
}
