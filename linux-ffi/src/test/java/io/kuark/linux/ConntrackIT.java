package io.kuark.linux;

import static io.kuark.linux.NetnsFixture.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conntrack entries made by real UDP traffic (DNATed by an nft rule) in a throwaway namespace;
 * {@code /proc/net/nf_conntrack} read inside that namespace is the independent oracle.
 */
class ConntrackIT {
  private NetnsFixture fx;
  private Path ns;

  @BeforeEach
  void setUp() throws Exception {
    fx = new NetnsFixture();
    ns = fx.create("ct");
    ip(ns, "link", "set", "lo", "up");
    ip(ns, "addr", "add", "10.250.0.1/24", "dev", "lo");
    run(
        "nsenter",
        "--net=" + ns,
        "nft",
        "add table ip ctt; add chain ip ctt out { type nat hook output priority -100; };"
            + " add rule ip ctt out ip daddr 10.250.0.100 udp dport 53 dnat to 127.0.0.2:5353;"
            + " add rule ip ctt out ip daddr 10.250.0.100 udp dport 54 dnat to 127.0.0.3:5353");
  }

  @AfterEach
  void tearDown() throws Exception {
    fx.close();
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Sends one UDP datagram from inside the namespace (the socket lives where it was made). */
  void send(String address, int port) throws Exception {
    fx.linux
        .namespaces()
        .runInNetns(
            ns,
            () -> {
              try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(address, port)));
              }
              return null;
            });
  }

  List<String> udpEntries() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : run("nsenter", "--net=" + ns, "cat", "/proc/net/nf_conntrack").split("\n")) {
      if (line.contains(" udp ")) {
        out.add(line);
      }
    }
    return out;
  }

  @Test
  void deletesOnlyTheEntriesTheFiltersName() throws Exception {
    assertThat(Files.exists(Path.of("/proc/net/nf_conntrack"))).isTrue();
    send("10.250.0.100", 53); // DNATed to 127.0.0.2
    send("10.250.0.100", 54); // DNATed to 127.0.0.3
    send("10.250.0.101", 53); // not DNATed
    assertThat(udpEntries()).hasSize(3);

    try (Conntrack ct = fx.linux.conntrack(ns)) {
      // The endpoint that went away: only the connection DNATed to it goes.
      int n =
          ct.delete(
              List.of(new ConntrackFilter(ConntrackFilter.UDP, "10.250.0.100", 0, "127.0.0.2")));
      assertThat(n).isEqualTo(1);
      assertThat(udpEntries())
          .hasSize(2)
          .noneMatch(l -> l.contains("src=127.0.0.2"))
          .anyMatch(l -> l.contains("src=127.0.0.3"));
      // TCP filters leave UDP alone; a port filter picks one destination port.
      assertThat(ct.delete(List.of(new ConntrackFilter(6, "10.250.0.101", 0, null)))).isZero();
      assertThat(
              ct.delete(
                  List.of(new ConntrackFilter(ConntrackFilter.UDP, "10.250.0.101", 53, null))))
          .isEqualTo(1);
      assertThat(udpEntries()).hasSize(1).allMatch(l -> l.contains("dport=54"));
      assertThat(ct.delete(List.of())).isZero();
    }
  }
}
