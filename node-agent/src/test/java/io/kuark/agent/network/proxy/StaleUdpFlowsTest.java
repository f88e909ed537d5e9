package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.kuark.linux.ConntrackFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaleUdpFlowsTest {
  final RulesetBuilder builder = new RulesetBuilder(RulesetBuilderTest.CONFIG);
  final Service dns =
      service("default", "dns", "10.43.0.53", "UDP", 53)
          .editSpec()
          .withType("NodePort")
          .editFirstPort()
          .withNodePort(30053)
          .endPort()
          .endSpec()
          .build();

  Ruleset with(String... ips) {
    List<Ep> eps = new java.util.ArrayList<>();
    for (String ip : ips) {
      eps.add(Ep.ready(ip, "node-a"));
    }
    return builder.render(dns, List.of(slice("default", "dns", "UDP", 5353, eps)));
  }

  @Test
  void removedEndpointsAndEndpointsAfterNoneAreFlushed() {
    assertEquals(
        List.of(
            new ConntrackFilter(17, "10.43.0.53", 53, "10.42.0.6"),
            new ConntrackFilter(17, null, 30053, "10.42.0.6")),
        StaleUdpFlows.between(with("10.42.0.5", "10.42.0.6"), with("10.42.0.5")));
    assertEquals(
        List.of(
            new ConntrackFilter(17, "10.43.0.53", 53, null),
            new ConntrackFilter(17, null, 30053, null)),
        StaleUdpFlows.between(with(), with("10.42.0.5")));
    assertEquals(
        List.of(), StaleUdpFlows.between(with("10.42.0.5"), with("10.42.0.5", "10.42.0.7")));
    assertEquals(2, StaleUdpFlows.between(with("10.42.0.5"), null).size());
    // TCP Services never need it.
    Ruleset tcp =
        builder.render(
            service("default", "web", "10.43.0.80", "TCP", 80).build(),
            List.of(slice("default", "web", "TCP", 80, List.of(Ep.ready("10.42.0.5", "node-a")))));
    assertEquals(List.of(), StaleUdpFlows.between(tcp, null));
  }
}
