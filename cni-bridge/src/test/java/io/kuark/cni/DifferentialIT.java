package io.kuark.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.Plugins.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same configuration through Debian's reference bridge + host-local and through kuark-bridge
 * (binary and in-process), each on a fresh simulated host: the links, addresses, routes, sysctls,
 * IPAM files and ADD results must match once random names and MACs are normalised; so must the
 * state after DEL, and a repeated DEL must succeed.
 */
class DifferentialIT {

  static String config(String which, TestHost h) {
    String ipamDir = h.dataDir.toString();
    return switch (which) {
      case "dualstack" ->
          """
          {"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,
           "isDefaultGateway":true,"hairpinMode":true,"mtu":1400,
           "ipam":{"type":"host-local","dataDir":"%s",
             "ranges":[[{"subnet":"10.99.5.0/24"}],[{"subnet":"fd00:99:5::/64"}]],
             "routes":[{"dst":"10.99.200.0/24"},{"dst":"10.99.201.0/24","gw":"10.99.5.254"}]}}
          """
              .formatted(h.network(), h.bridge(), ipamDir);
      case "legacy040" ->
          """
          {"cniVersion":"0.4.0","name":"%s","type":"bridge","bridge":"%s","promiscMode":true,
           "ipam":{"type":"host-local","dataDir":"%s","subnet":"10.99.6.0/24",
             "rangeStart":"10.99.6.100","rangeEnd":"10.99.6.120","gateway":"10.99.6.1"}}
          """
              .formatted(h.network(), h.bridge(), ipamDir);
      case "multirange" ->
          """
          {"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,
           "ipam":{"type":"host-local","dataDir":"%s",
             "ranges":[[{"subnet":"10.99.7.0/24","rangeStart":"10.99.7.253","gateway":"10.99.7.1"},
                        {"subnet":"10.99.8.0/24","rangeStart":"10.99.8.10"}]]}}
          """
              .formatted(h.network(), h.bridge(), ipamDir);
      default -> throw new IllegalArgumentException(which);
    };
  }

  /** Runs ADD for two pods, snapshots, DEL both (twice), snapshots again. */
  static String scenario(Kind kind, String which) throws Exception {
    try (TestHost h = new TestHost()) {
      String conf = config(which, h);
      Path pod1 = h.newNetns("pod1");
      Path pod2 = h.newNetns("pod2");
      ObjectNode all = Snapshot.JSON.createObjectNode();
      CniOutcome add1 = Plugins.invoke(kind, h, "ADD", pod1, "ctr-1", "eth0", conf);
      assertThat(add1.exitCode()).as(kind + " ADD 1: " + add1.stdout()).isZero();
      CniOutcome add2 = Plugins.invoke(kind, h, "ADD", pod2, "ctr-2", "eth0", conf);
      assertThat(add2.exitCode()).as(kind + " ADD 2: " + add2.stdout()).isZero();
      all.set("result1", Snapshot.JSON.readTree(add1.stdout()));
      all.set("result2", Snapshot.JSON.readTree(add2.stdout()));
      // CHECK by both implementations against this run's ADD result: each must accept what the
      // other built. Only for "multirange": the reference 1.1.1 CHECK rejects its own ADD when a
      // route has no gw ("Expected Route … not found") or the bridge MAC follows its ports.
      ObjectNode withPrev = (ObjectNode) Snapshot.JSON.readTree(conf);
      withPrev.set("prevResult", Snapshot.JSON.readTree(add1.stdout()));
      String checkConf = Snapshot.JSON.writeValueAsString(withPrev);
      for (Kind checker :
          which.equals("multirange")
              ? List.of(Kind.REFERENCE, Kind.KUARK_IN_PROCESS)
              : List.of(Kind.KUARK_IN_PROCESS)) {
        CniOutcome check = Plugins.invoke(checker, h, "CHECK", pod1, "ctr-1", "eth0", checkConf);
        assertThat(check.exitCode())
            .as(checker + " CHECK of " + kind + " ADD: " + check.stdout())
            .isZero();
      }
      List<String> hostKeys =
          List.of(
              "net/ipv4/ip_forward",
              "net/ipv6/conf/all/forwarding",
              "net/ipv6/conf/" + h.bridge() + "/accept_ra",
              "net/ipv4/conf/" + h.bridge() + "/forwarding");
      List<String> podKeys =
          List.of(
              "net/ipv4/conf/eth0/arp_notify",
              "net/ipv6/conf/eth0/accept_dad",
              "net/ipv6/conf/eth0/disable_ipv6",
              "net/ipv4/ip_forward");
      all.set("host", Snapshot.namespace(h.hostNs, hostKeys));
      all.put("bridgeMacIsAPortMac", bridgeMacIsAPortMac(all.get("host"), h.bridge()));
      all.set("pod1", Snapshot.namespace(pod1, podKeys));
      all.set("pod2", Snapshot.namespace(pod2, podKeys));
      all.set("ipam", Snapshot.JSON.valueToTree(Snapshot.ipamFiles(h.dataDir, h.network())));

      for (int round = 0; round < 2; round++) {
        CniOutcome del1 = Plugins.invoke(kind, h, "DEL", pod1, "ctr-1", "eth0", conf);
        CniOutcome del2 = Plugins.invoke(kind, h, "DEL", pod2, "ctr-2", "eth0", conf);
        assertThat(del1.exitCode()).as(kind + " DEL 1: " + del1.stdout()).isZero();
        assertThat(del2.exitCode()).as(kind + " DEL 2: " + del2.stdout()).isZero();
        assertThat(del1.stdout()).isEmpty();
      }
      ObjectNode after = all.putObject("afterDel");
      after.set("host", Snapshot.namespace(h.hostNs, List.of()));
      after.set("pod1", Snapshot.namespace(pod1, List.of()));
      after.set("ipam", Snapshot.JSON.valueToTree(Snapshot.ipamFiles(h.dataDir, h.network())));
      // DEL with the netns already gone must still succeed.
      h.linux.namespaces().deleteNetns(pod2);
      CniOutcome del3 = Plugins.invoke(kind, h, "DEL", pod2, "ctr-2", "eth0", conf);
      assertThat(del3.exitCode()).as(kind + " DEL without netns: " + del3.stdout()).isZero();
      String text =
          Snapshot.normalize(all, h.bridge(), h.network(), h.dir, which.equals("legacy040"));
      // Kept for humans when the comparison fails: diff target/differential/<which>-*.json
      Path out = Path.of("target", "differential", which + "-" + kind + ".json");
      java.nio.file.Files.createDirectories(out.getParent());
      java.nio.file.Files.writeString(out, text);
      return text;
    }
  }

  /** True when the bridge took a port's MAC (unpinned), false when it kept its own. */
  static boolean bridgeMacIsAPortMac(JsonNode host, String bridge) {
    String bridgeMac = null;
    List<String> portMacs = new java.util.ArrayList<>();
    for (JsonNode l : host.get("links")) {
      if (l.path("ifname").asText().equals(bridge)) {
        bridgeMac = l.path("address").asText();
      } else if (l.path("master").asText().equals(bridge)) {
        portMacs.add(l.path("address").asText());
      }
    }
    return portMacs.contains(bridgeMac);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack", "legacy040", "multirange"})
  void kuarkInProcessMatchesReference(String which) throws Exception {
    String reference = scenario(Kind.REFERENCE, which);
    String kuark = scenario(Kind.KUARK_IN_PROCESS, which);
    assertThat(kuark).isEqualTo(reference);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dualstack"})
  void kuarkBinaryMatchesReference(String which) throws Exception {
    String reference = scenario(Kind.REFERENCE, which);
    String kuark = scenario(Kind.KUARK_BINARY, which);
    assertThat(kuark).isEqualTo(reference);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"cniVersion\":\"9.9.9\",\"name\":\"x\",\"type\":\"bridge\"}",
        "{bad json",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"bridge\",\"vlan\":5000}"
      })
  void errorCodesMatchReference(String conf) throws Exception {
    try (TestHost h = new TestHost()) {
      Path pod = h.newNetns("pod");
      CniOutcome ref = Plugins.invoke(Kind.REFERENCE, h, "ADD", pod, "ctr-e", "eth0", conf);
      CniOutcome ours = Plugins.invoke(Kind.KUARK_IN_PROCESS, h, "ADD", pod, "ctr-e", "eth0", conf);
      assertThat(ref.exitCode()).isNotZero();
      assertThat(ours.exitCode()).isNotZero();
      JsonNode r = Snapshot.JSON.readTree(ref.stdout());
      JsonNode o = Snapshot.JSON.readTree(ours.stdout());
      assertThat(o.get("code").asInt())
          .as(ours.stdout() + " vs " + ref.stdout())
          .isEqualTo(r.get("code").asInt());
      assertThat(o.has("msg")).isTrue();
      assertThat(o.get("cniVersion").asText()).isNotEmpty();
    }
  }
}
