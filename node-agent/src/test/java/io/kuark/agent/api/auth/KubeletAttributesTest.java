package io.kuark.agent.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeletAttributesTest {

  @Test
  void verbsFollowTheHttpMethodAsUpstream() {
    assertThat(KubeletAttributes.of("GET", "/", "n").verb()).isEqualTo("get");
    assertThat(KubeletAttributes.of("POST", "/", "n").verb()).isEqualTo("create");
    assertThat(KubeletAttributes.of("PUT", "/", "n").verb()).isEqualTo("update");
    assertThat(KubeletAttributes.of("PATCH", "/", "n").verb()).isEqualTo("patch");
    assertThat(KubeletAttributes.of("DELETE", "/", "n").verb()).isEqualTo("delete");
    assertThat(KubeletAttributes.of("HEAD", "/", "n").verb()).isEmpty();
  }

  @Test
  void subresourceFromThePathTree() {
    assertThat(KubeletAttributes.of("GET", "/stats/summary", "n").subresource()).isEqualTo("stats");
    assertThat(KubeletAttributes.of("GET", "/stats", "n").subresource()).isEqualTo("stats");
    assertThat(KubeletAttributes.of("GET", "/metrics", "n").subresource()).isEqualTo("metrics");
    assertThat(KubeletAttributes.of("GET", "/metrics/cadvisor", "n").subresource())
        .isEqualTo("metrics");
    assertThat(KubeletAttributes.of("GET", "/logs/syslog", "n").subresource()).isEqualTo("log");
    assertThat(KubeletAttributes.of("GET", "/containerLogs/a/b/c", "n").subresource())
        .isEqualTo("proxy");
    assertThat(KubeletAttributes.of("GET", "/statsz", "n").subresource()).isEqualTo("proxy");
    assertThat(KubeletAttributes.of("POST", "/exec/a/b/c", "n").subresource()).isEqualTo("proxy");
    assertThat(KubeletAttributes.of("GET", "/healthz", "node-1").node()).isEqualTo("node-1");
  }
}
