package io.kuark.cni.bridge;

import io.kuark.cni.config.IpNet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * ipMasq through nftables ({@code nft -f -}): per network and subnet, one postrouting NAT chain in
 * table {@code inet kuark_masq} masquerades sources in a set to destinations outside the subnet
 * (and not multicast); ADD adds the container address to the set, DEL removes it. Each ADD rewrites
 * its chain in one nft transaction, so concurrent ADDs converge on one rule.
 */
public final class Masquerade {
  static final String TABLE = "kuark_masq";
  private final HostNetwork host;

  public Masquerade(HostNetwork host) {
    this.host = host;
  }

  public void add(String network, IpNet address) {
    String id = id(network, address);
    IpNet subnet = address.canonical();
    String family = address.isV4() ? "ip" : "ip6";
    String multicast = address.isV4() ? "224.0.0.0/4" : "ff00::/8";
    String script =
        "add table inet "
            + TABLE
            + "\n"
            + "add chain inet "
            + TABLE
            + " c_"
            + id
            + " { type nat hook postrouting priority srcnat; policy accept; }\n"
            + "add set inet "
            + TABLE
            + " s_"
            + id
            + " { type "
            + (address.isV4() ? "ipv4_addr" : "ipv6_addr")
            + "; }\n"
            + "flush chain inet "
            + TABLE
            + " c_"
            + id
            + "\n"
            + "add rule inet "
            + TABLE
            + " c_"
            + id
            + " "
            + family
            + " saddr @s_"
            + id
            + " "
            + family
            + " daddr != "
            + subnet
            + " "
            + family
            + " daddr != "
            + multicast
            + " masquerade comment \"kuark-bridge "
            + network.replace("\"", "")
            + "\"\n"
            + "add element inet "
            + TABLE
            + " s_"
            + id
            + " { "
            + IpNet.format(address.address())
            + " }\n";
    nft(script, false);
  }

  /** Removes the address; missing table/set/element is fine (idempotent DEL). */
  public void del(String network, IpNet address) {
    String id = id(network, address);
    nft(
        "delete element inet "
            + TABLE
            + " s_"
            + id
            + " { "
            + IpNet.format(address.address())
            + " }\n",
        true);
  }

  private void nft(String script, boolean tolerateFailure) {
    Nft.apply(host, script, tolerateFailure, "set up IP masquerade");
  }

  static String id(String network, IpNet address) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((network + "/" + address.canonical()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
