package io.kuark.agent.network.routes;

import java.util.Locale;

/** How pods on this node reach pods on other nodes ({@code --pod-network-mode}). */
public enum PodNetworkMode {
  /** A route per peer pod CIDR via the peer's InternalIP: nodes must share one L2 segment. */
  HOST_GW,
  /** A VXLAN overlay (flannel-compatible layout): nodes only need UDP 8472 between them. */
  VXLAN,
  /** The agent programs no cross-node routes and removes the ones it made before. */
  NONE;

  /** Parses the flag value ({@code host-gw}, {@code vxlan}, {@code none}). */
  public static PodNetworkMode parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "host-gw" -> HOST_GW;
      case "vxlan" -> VXLAN;
      case "none" -> NONE;
      default ->
          throw new IllegalArgumentException(
              "unknown pod network mode " + value + " (expected host-gw, vxlan or none)");
    };
  }

  /** The flag spelling. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
