package io.kuark.linux;

import java.net.InetAddress;

/**
 * A neighbour (ARP/NDP) entry or, with family AF_BRIDGE, a bridge/vxlan forwarding database entry.
 *
 * @param linkIndex interface
 * @param family AF_INET (2), AF_INET6 (10) or AF_BRIDGE (7)
 * @param destination neighbour IP (for fdb on vxlan: the remote VTEP), may be null for plain fdb
 * @param mac link-layer address, colon hex
 * @param state NUD_* (0x80 permanent, 0x02 reachable)
 * @param flags NTF_* (0x02 self, 0x04 master)
 */
public record Neighbour(
    int linkIndex, int family, InetAddress destination, String mac, int state, int flags) {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int AF_BRIDGE = 7;
  public static final int NUD_PERMANENT = 0x80;
  public static final int NUD_REACHABLE = 0x02;
  public static final int NTF_SELF = 0x02;
  public static final int NTF_MASTER = 0x04;
}
