package io.kuark.cni.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.cni.CniException;
import io.kuark.cni.config.IpNet;
import io.kuark.cni.result.CniResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostLocalIpamTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final HostLocalIpam ipam = new HostLocalIpam();
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-ipam-test");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private HostLocalConf conf(String ranges) throws Exception {
    return HostLocalConf.parse(
        mapper.readTree(
            "{\"type\":\"host-local\",\"dataDir\":\"" + dir + "\",\"ranges\":" + ranges + "}"));
  }

  private String alloc(HostLocalConf c, String id) {
    return ipam.allocate(c, "net", id, "eth0", List.of()).ips().get(0).address().toString();
  }

  @Test
  void allocatesRoundRobinSkippingGatewayAndWrapsAround() throws Exception {
    HostLocalConf c = conf("[[{\"subnet\":\"10.99.0.0/29\"}]]");
    assertThat(alloc(c, "a")).isEqualTo("10.99.0.2/29");
    assertThat(alloc(c, "b")).isEqualTo("10.99.0.3/29");
    ipam.release(c, "net", "a", "eth0");
    // Round robin continues after the last reserved address rather than reusing .2 at once.
    assertThat(alloc(c, "c")).isEqualTo("10.99.0.4/29");
    assertThat(alloc(c, "d")).isEqualTo("10.99.0.5/29");
    assertThat(alloc(c, "e")).isEqualTo("10.99.0.6/29");
    assertThat(alloc(c, "f")).isEqualTo("10.99.0.2/29"); // wrapped
    assertThatThrownBy(() -> alloc(c, "g"))
        .isInstanceOfSatisfying(
            CniException.class,
            e -> assertThat(e.msg()).contains("no IP addresses available in range set"));
  }

  @Test
  void writesTheReferenceFileLayout() throws Exception {
    HostLocalConf c = conf("[[{\"subnet\":\"10.99.0.0/24\"}],[{\"subnet\":\"fd00:99::/64\"}]]");
    CniResult r = ipam.allocate(c, "net", "ctr", "eth1", List.of());
    assertThat(r.ips())
        .extracting(ip -> ip.address().toString())
        .containsExactly("10.99.0.2/24", "fd00:99::2/64");
    assertThat(r.ips())
        .extracting(ip -> IpNet.format(ip.gateway()))
        .containsExactly("10.99.0.1", "fd00:99::1");
    Path net = dir.resolve("net");
    assertThat(Files.readString(net.resolve("10.99.0.2"))).isEqualTo("ctr\r\neth1");
    assertThat(Files.readString(net.resolve("fd00:99::2"))).isEqualTo("ctr\r\neth1");
    assertThat(Files.readString(net.resolve("last_reserved_ip.0"))).isEqualTo("10.99.0.2");
    assertThat(Files.readString(net.resolve("last_reserved_ip.1"))).isEqualTo("fd00:99::2");
    assertThat(ipam.held(c, "net", "ctr", "eth1")).hasSize(2);
    ipam.release(c, "net", "ctr", "eth1");
    ipam.release(c, "net", "ctr", "eth1");
    assertThat(Files.exists(net.resolve("10.99.0.2"))).isFalse();
  }

  @Test
  void honoursRequestedAddressesAndRangeBounds() throws Exception {
    HostLocalConf c =
        conf(
            "[[{\"subnet\":\"10.99.0.0/24\",\"rangeStart\":\"10.99.0.50\",\"rangeEnd\":\"10.99.0.60\"}]]");
    assertThat(alloc(c, "a")).isEqualTo("10.99.0.50/24");
    CniResult r = ipam.allocate(c, "net", "b", "eth0", List.of(IpNet.parseIp("10.99.0.55")));
    assertThat(r.ips().get(0).address().toString()).isEqualTo("10.99.0.55/24");
    assertThatThrownBy(
            () -> ipam.allocate(c, "net", "c", "eth0", List.of(IpNet.parseIp("10.99.0.55"))))
        .hasMessageContaining("is not available");
    assertThatThrownBy(
            () -> ipam.allocate(c, "net", "d", "eth0", List.of(IpNet.parseIp("10.99.0.99"))))
        .hasMessageContaining("not in any range set");
    // Nothing leaked by the failed requests.
    assertThat(ipam.held(c, "net", "c", "eth0")).isEmpty();
    assertThat(ipam.held(c, "net", "d", "eth0")).isEmpty();
  }

  @Test
  void legacySubnetFieldsAndGc() throws Exception {
    HostLocalConf c =
        HostLocalConf.parse(
            mapper.readTree(
                "{\"dataDir\":\""
                    + dir
                    + "\",\"subnet\":\"10.99.3.0/24\",\"gateway\":\"10.99.3.254\"}"));
    assertThat(alloc(c, "a")).isEqualTo("10.99.3.1/24");
    assertThat(alloc(c, "b")).isEqualTo("10.99.3.2/24");
    assertThat(ipam.collect(c, "net", List.<String[]>of(new String[] {"b", "eth0"}))).isEqualTo(1);
    assertThat(ipam.held(c, "net", "a", "eth0")).isEmpty();
    assertThat(ipam.held(c, "net", "b", "eth0")).hasSize(1);
  }

  @Test
  void rejectsInvalidRanges() {
    assertThatThrownBy(() -> conf("[[{\"subnet\":\"10.99.0.0/24\",\"rangeStart\":\"10.98.0.1\"}]]"))
        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
    assertThatThrownBy(() -> conf("[]"))
        .isInstanceOfSatisfying(
            CniException.class, e -> assertThat(e.msg()).contains("no IP ranges"));
  }
}
