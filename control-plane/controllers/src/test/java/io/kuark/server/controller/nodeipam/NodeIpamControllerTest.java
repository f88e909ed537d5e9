package io.kuark.server.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class NodeIpamControllerTest {
  static KubernetesClient client;

  private static Node node(String name, String cidr) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withPodCIDR(cidr)
        .withPodCIDRs(cidr == null ? java.util.List.of() : java.util.List.of(cidr))
        .endSpec()
        .build();
  }

  @Test
  void assignsDistinctCidrsAndKeepsExistingOnes() {
    client.nodes().resource(node("old", "10.42.0.0/24")).create();
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new NodeIpamController(loops.context(), "10.42.0.0/16", 24).controller()).start();
      for (int i = 0; i < 5; i++) {
        client.nodes().resource(node("n" + i, null)).create();
      }
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Node> nodes = client.nodes().list().getItems();
                Set<String> cidrs = new HashSet<>();
                for (Node n : nodes) {
                  assertThat(n.getSpec().getPodCIDR()).startsWith("10.42.").endsWith(".0/24");
                  assertThat(n.getSpec().getPodCIDRs()).containsExactly(n.getSpec().getPodCIDR());
                  cidrs.add(n.getSpec().getPodCIDR());
                }
                assertThat(cidrs).hasSize(6);
              });
      assertThat(client.nodes().withName("old").get().getSpec().getPodCIDR())
          .isEqualTo("10.42.0.0/24");
    }
  }
}
