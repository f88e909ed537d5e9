package io.kuark.agent.linux;

import java.io.IOException;

/** Host routing table changes the agent makes (kept apart until linux-ffi's netlink arrives). */
public interface HostRoutes {

  /** Adds {@code blackhole <cidr>} to the host's main table unless it is already there. */
  void ensureBlackhole(String cidr) throws IOException;
}
