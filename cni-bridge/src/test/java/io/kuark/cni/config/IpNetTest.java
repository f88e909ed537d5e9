package io.kuark.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpNetTest {
  @Test
  void parsesAndComputesNetworkAndLast() {
    IpNet n = IpNet.parse("10.99.5.7/24");
    assertThat(n.isV4()).isTrue();
    assertThat(IpNet.format(n.network())).isEqualTo("10.99.5.0");
    assertThat(IpNet.format(n.last())).isEqualTo("10.99.5.255");
    assertThat(n.contains(IpNet.parseIp("10.99.5.200"))).isTrue();
    assertThat(n.contains(IpNet.parseIp("10.99.6.1"))).isFalse();
    assertThat(n.contains(IpNet.parseIp("fd00::1"))).isFalse();
    assertThat(n.canonical().toString()).isEqualTo("10.99.5.0/24");
  }

  @Test
  void formatsIpv6LikeGo() {
    assertThat(IpNet.format(IpNet.parseIp("fd00:99:5:0:0:0:0:2"))).isEqualTo("fd00:99:5::2");
    assertThat(IpNet.format(IpNet.parseIp("::"))).isEqualTo("::");
    assertThat(IpNet.format(IpNet.parseIp("fd00:0:1:0:0:1:0:0"))).isEqualTo("fd00:0:1::1:0:0");
    assertThat(IpNet.format(IpNet.parseIp("2001:db8:0:1:1:1:1:1")))
        .isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(IpNet.parse("fd00:99:5::/64").toString()).isEqualTo("fd00:99:5::/64");
  }

  @Test
  void rejectsHostNamesAndBadPrefixes() {
    assertThatThrownBy(() -> IpNet.parseIp("localhost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IpNet.parse("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IpNet.parse("10.0.0.0")).isInstanceOf(IllegalArgumentException.class);
  }
}
