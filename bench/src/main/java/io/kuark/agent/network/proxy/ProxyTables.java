package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kuark.linux.NftRunner;
import java.io.IOException;
import java.util.List;

/**
 * Lets harnesses outside the proxy's package program a node's table with the proxy's own code (rule
 * generation and the full-sync script), as the agent's full sync does.
 */
public final class ProxyTables {
  private ProxyTables() {}

  /** Renders {@code services}/{@code slices} and applies the full table in one transaction. */
  public static void program(ProxyConfig config, List<Service> services, List<EndpointSlice> slices)
      throws IOException {
    Ruleset rules = new RulesetBuilder(config).build(services, slices);
    new NftRunner(config.netns()).apply(NftScripts.full(config, rules));
  }
}
