package io.kuark.agent.linux;

import java.io.IOException;

/** Host routing table changes the agent makes. */
public interface HostRoutes {

  /**
   * Makes {@code blackhole <cidr>} the fallback route of the host's main table: present at metric
   * {@link NetlinkHostRoutes#FALLBACK_METRIC}, so a preferred route of the same prefix (see {@link
   * #ensureLocalRoute}) can sit in front of it. Idempotent.
   */
  void ensureBlackhole(String cidr) throws IOException;

  /**
   * Routes {@code cidr} into the local link {@code link} at metric 0, in front of its blackhole.
   * Implementations without it refuse (tests that never start an agent pass a lambda).
   */
  default void ensureLocalRoute(String cidr, String link) throws IOException {
    throw new IOException("this HostRoutes cannot route " + cidr + " into " + link);
  }
}
