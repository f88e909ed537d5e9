package io.kuark.cni.bridge;

/**
 * macspoofchk through nftables: frames entering the bridge from a guarded host veth must carry the
 * container interface's MAC as source, else they are dropped. One table {@code bridge
 * kuark_macspoof} holds the guarded ports and the allowed (port, MAC) pairs as sets, so ADD and DEL
 * only add and remove set elements.
 */
final class MacSpoofCheck {
  static final String TABLE = "kuark_macspoof";
  private final HostNetwork host;

  MacSpoofCheck(HostNetwork host) {
    this.host = host;
  }

  void add(String hostVeth, String mac) {
    String t = "bridge " + TABLE;
    nft(
        "add table "
            + t
            + "\n"
            + "add set "
            + t
            + " guarded { type ifname; }\n"
            + "add set "
            + t
            + " allowed { type ifname . ether_addr; }\n"
            + "add chain "
            + t
            + " prerouting { type filter hook prerouting priority -300; policy accept; }\n"
            + "flush chain "
            + t
            + " prerouting\n"
            + "add rule "
            + t
            + " prerouting iifname @guarded iifname . ether saddr != @allowed drop\n"
            + "add element "
            + t
            + " allowed { \""
            + hostVeth
            + "\" . "
            + mac
            + " }\n"
            + "add element "
            + t
            + " guarded { \""
            + hostVeth
            + "\" }\n",
        false);
  }

  /** Removes the port's entries; missing ones are fine. */
  void del(String hostVeth, String mac) {
    String t = "bridge " + TABLE;
    nft("delete element " + t + " guarded { \"" + hostVeth + "\" }\n", true);
    if (mac != null && !mac.isEmpty()) {
      nft("delete element " + t + " allowed { \"" + hostVeth + "\" . " + mac + " }\n", true);
    }
  }

  private void nft(String script, boolean tolerateFailure) {
    Nft.apply(host, script, tolerateFailure, "set up macspoofchk");
  }
}
