package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodFilesResolvConfTest {
  private static final String HOST =
      "# host\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch old.example\n"
          + "search corp.example. lab.example\noptions edns0 timeout:2\n";

  private static Pod pod(String policy, boolean hostNetwork, PodDNSConfig config) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("demo")
        .endMetadata()
        .withNewSpec()
        .withDnsPolicy(policy)
        .withHostNetwork(hostNetwork)
        .withDnsConfig(config)
        .endSpec()
        .build();
  }

  private static String conf(Pod pod) {
    return PodFiles.resolvConf(pod, "10.43.0.10", "cluster.local", HOST);
  }

  @Test
  void clusterFirstUsesClusterDnsThenHostSearches() {
    String expected =
        "search demo.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\n"
            + "nameserver 10.43.0.10\noptions ndots:5\n";
    assertThat(conf(pod("ClusterFirst", false, null))).isEqualTo(expected);
    assertThat(conf(pod(null, false, null))).isEqualTo(expected);
    assertThat(conf(pod("ClusterFirstWithHostNet", true, null))).isEqualTo(expected);
  }

  @Test
  void defaultAndHostNetworkClusterFirstUseTheHost() {
    String expected =
        "search corp.example lab.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n"
            + "options edns0 timeout:2\n";
    assertThat(conf(pod("Default", false, null))).isEqualTo(expected);
    assertThat(conf(pod("ClusterFirst", true, null))).isEqualTo(expected);
  }

  @Test
  void noneTakesOnlyDnsConfigAndDnsConfigMergesIntoEveryPolicy() {
    PodDNSConfig config =
        new PodDNSConfigBuilder()
            .withNameservers("192.0.2.1")
            .withSearches("my.example", "demo.svc.cluster.local")
            .addNewOption()
            .withName("ndots")
            .withValue("2")
            .endOption()
            .addNewOption()
            .withName("single-request")
            .endOption()
            .build();
    assertThat(conf(pod("None", false, config)))
        .isEqualTo(
            "search my.example demo.svc.cluster.local\nnameserver 192.0.2.1\n"
                + "options ndots:2 single-request\n");
    assertThat(conf(pod("ClusterFirst", false, config)))
        .isEqualTo(
            "search demo.svc.cluster.local svc.cluster.local cluster.local corp.example"
                + " lab.example my.example\n"
                + "nameserver 10.43.0.10\nnameserver 192.0.2.1\noptions ndots:2 single-request\n");
    assertThat(conf(pod("None", false, null))).isEmpty();
  }

  @Test
  void resolverLimitsCutNameserversAndSearches() {
    List<String> searches = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      searches.add("d" + i + ".example");
    }
    searches.add(5, "x".repeat(254));
    PodDNSConfig config =
        new PodDNSConfigBuilder()
            .withNameservers("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4")
            .withSearches(searches)
            .build();
    ResolvConf cut = ResolvConf.parse(conf(pod("None", false, config)));
    assertThat(cut.nameservers()).containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3");
    // the first 32, minus the one longer than 253 characters
    assertThat(cut.searches()).hasSize(31).startsWith("d0.example").endsWith("d30.example");

    List<String> long200 = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long200.add(i + "-" + "y".repeat(196) + ".ex");
    }
    ResolvConf chars =
        ResolvConf.parse(
            conf(pod("None", false, new PodDNSConfigBuilder().withSearches(long200).build())));
    assertThat(String.join(" ", chars.searches()).length()).isLessThanOrEqualTo(2048);
    assertThat(chars.searches()).hasSize(10).startsWith(long200.get(0));
  }
}
