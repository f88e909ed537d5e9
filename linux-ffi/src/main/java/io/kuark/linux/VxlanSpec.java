package io.kuark.linux;

import java.net.InetAddress;

/**
 * A VXLAN device.
 *
 * @param name interface name
 * @param vni VXLAN network identifier
 * @param local local VTEP address, or null
 * @param port UDP destination port (4789 is IANA's, 8472 the Linux default), 0 for the kernel
 *     default
 * @param underlayIndex ifindex of the underlay device, or 0
 * @param learning learn remote MACs from traffic (false when the fdb is programmed)
 * @param mtu MTU, 0 for the kernel default
 */
public record VxlanSpec(
    String name,
    int vni,
    InetAddress local,
    int port,
    int underlayIndex,
    boolean learning,
    int mtu) {}
