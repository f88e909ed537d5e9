package io.kuark.linux;

import java.net.InetAddress;

/**
 * An address on an interface.
 *
 * @param linkIndex ifindex of the interface
 * @param address the local address
 * @param prefixLength network prefix length
 * @param scope RT_SCOPE_* (0 universe/global, 253 link, 254 host)
 * @param flags IFA_F_* flags (e.g. 0x40 tentative, 0x80 permanent)
 */
public record IfAddress(
    int linkIndex, InetAddress address, int prefixLength, int scope, int flags) {
  public static final int IFA_F_NODAD = 0x02;
  public static final int IFA_F_TENTATIVE = 0x40;
  public static final int IFA_F_PERMANENT = 0x80;

  /** CIDR notation, e.g. {@code 10.99.0.2/24}. */
  public String cidr() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
