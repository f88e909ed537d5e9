package io.kuark.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.cni.CniException;
import org.junit.jupiter.api.Test;

class BridgeConfTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void defaultsFollowTheReferencePlugin() throws Exception {
    BridgeConf c =
        BridgeConf.parse(
            mapper.readTree("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\"}"));
    assertThat(c.bridge()).isEqualTo("cni0");
    assertThat(c.isGateway()).isFalse();
    assertThat(c.ipamType()).isEmpty();
    assertThat(c.mtu()).isZero();
  }

  @Test
  void defaultGatewayImpliesGatewayAndRuntimeMacIsRead() throws Exception {
    BridgeConf c =
        BridgeConf.parse(
            mapper.readTree(
                "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"isDefaultGateway\":true,"
                    + "\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:01\"},"
                    + "\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\"}]}"));
    assertThat(c.isGateway()).isTrue();
    assertThat(c.mac()).isEqualTo("02:00:00:00:00:01");
    assertThat(c.validAttachments()).hasSize(1);
    assertThat(c.validAttachments().get(0)).containsExactly("a", "eth0");
  }

  @Test
  void cniVersionsPicksTheHighestSupported() throws Exception {
    BridgeConf c =
        BridgeConf.parse(
            mapper.readTree(
                "{\"cniVersion\":\"1.0.0\",\"cniVersions\":[\"0.4.0\",\"1.1.0\",\"9.0.0\"],\"name\":\"n\"}"));
    assertThat(c.cniVersion()).isEqualTo("1.1.0");
  }

  @Test
  void rejectsBadVlanAndNonObjects() throws Exception {
    assertThatThrownBy(() -> BridgeConf.parse(mapper.readTree("{\"vlan\":4095}")))
        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(999));
    assertThatThrownBy(() -> BridgeConf.parse(mapper.readTree("[1]")))
        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6));
  }
}
