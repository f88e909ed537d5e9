package io.kuark.server.controller.discovery;

import java.util.List;

/** Lists the resource types the API serves; re-queried periodically to pick up CRDs. */
@FunctionalInterface
public interface ApiDiscovery {
  /** Top-level resources (no subresources), one entry per group at its preferred version. */
  List<ApiResource> resources();
}
