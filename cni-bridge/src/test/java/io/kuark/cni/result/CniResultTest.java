package io.kuark.cni.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.cni.config.IpNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CniResultTest {
  private final ObjectMapper mapper = new ObjectMapper();

  private CniResult sample(String version) {
    return new CniResult(
        version,
        List.of(
            new CniResult.Iface("cni0", "02:00:00:00:00:01", null),
            new CniResult.Iface("eth0", "02:00:00:00:00:02", "/run/netns/x")),
        List.of(
            new CniResult.IpConfig(IpNet.parse("10.99.1.2/24"), IpNet.parseIp("10.99.1.1"), 1),
            new CniResult.IpConfig(IpNet.parse("fd00::2/64"), null, 1)),
        List.of(new CniResult.RouteEntry(IpNet.parse("0.0.0.0/0"), IpNet.parseIp("10.99.1.1"))),
        new CniResult.Dns(List.of("10.43.0.10"), null, List.of("svc.cluster.local"), List.of()));
  }

  @Test
  void version1ResultHasNoIpVersionField() {
    JsonNode j = sample("1.0.0").toJson();
    assertThat(j.get("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(j.get("ips").get(0).has("version")).isFalse();
    assertThat(j.get("ips").get(0).get("interface").asInt()).isEqualTo(1);
    assertThat(j.get("ips").get(1).has("gateway")).isFalse();
    assertThat(j.get("interfaces").get(0).has("sandbox")).isFalse();
    assertThat(j.get("interfaces").get(1).get("sandbox").asText()).isEqualTo("/run/netns/x");
    assertThat(j.get("routes").get(0).get("dst").asText()).isEqualTo("0.0.0.0/0");
    assertThat(j.get("dns").get("nameservers").get(0).asText()).isEqualTo("10.43.0.10");
  }

  @Test
  void pre1ResultsCarryIpVersion() {
    JsonNode j = sample("0.4.0").toJson();
    assertThat(j.get("ips").get(0).get("version").asText()).isEqualTo("4");
    assertThat(j.get("ips").get(1).get("version").asText()).isEqualTo("6");
  }

  @Test
  void roundTripsThroughJson() {
    CniResult r = sample("1.1.0");
    CniResult back = CniResult.fromJson(r.toJson(), "1.1.0");
    assertThat(back).isEqualTo(r);
  }
}
