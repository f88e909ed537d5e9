package io.kuark.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CniResultTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void readsIpsOfASpec10ResultIpv4First() throws Exception {
    CniResult result =
        CniResult.parse(
            json.readTree(
                "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
                    + "\"ips\":[{\"address\":\"fd00::5/64\",\"interface\":0},"
                    + "{\"address\":\"10.42.0.5/24\",\"gateway\":\"10.42.0.1\",\"interface\":0}]}"));
    assertThat(result.ips()).containsExactly("10.42.0.5", "fd00::5");
    assertThat(result.primaryIp()).isEqualTo("10.42.0.5");
  }

  @Test
  void readsTheOldIp4Form() throws Exception {
    CniResult result =
        CniResult.parse(
            json.readTree("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.1.2.3/16\"}}"));
    assertThat(result.ips()).containsExactly("10.1.2.3");
  }

  @Test
  void aResultWithoutAddressesHasNoPrimaryIp() throws Exception {
    assertThat(CniResult.parse(json.readTree("{\"cniVersion\":\"1.0.0\"}")).primaryIp()).isNull();
  }

  @Test
  void defaultConfigIsBridgeHostLocalAndPortmap() {
    var config =
        CniConfigFiles.defaultConfig(
            "10.42.3.0/24", "bridge", "kuark0", Path.of("/var/lib/kuark/agent/cni/networks"));
    assertThat(config.path("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(config.path("plugins").get(0).path("type").asText()).isEqualTo("bridge");
    assertThat(config.path("plugins").get(0).path("bridge").asText()).isEqualTo("kuark0");
    assertThat(
            config
                .path("plugins")
                .get(0)
                .path("ipam")
                .path("ranges")
                .get(0)
                .get(0)
                .path("subnet")
                .asText())
        .isEqualTo("10.42.3.0/24");
    assertThat(config.path("plugins").get(1).path("type").asText()).isEqualTo("portmap");
  }
}
