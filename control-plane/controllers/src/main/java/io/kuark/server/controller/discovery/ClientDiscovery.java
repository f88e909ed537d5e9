package io.kuark.server.controller.discovery;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Discovery through {@code /api/v1} and {@code /apis} (preferred versions) with the fabric8 client.
 */
public final class ClientDiscovery implements ApiDiscovery {
  private final KubernetesClient client;

  public ClientDiscovery(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<ApiResource> resources() {
    List<ApiResource> out = new ArrayList<>();
    add(out, "", "v1", client.getApiResources("v1"));
    APIGroupList groups = client.getApiGroups();
    if (groups != null && groups.getGroups() != null) {
      for (APIGroup g : groups.getGroups()) {
        if (g.getPreferredVersion() == null) {
          continue;
        }
        String gv = g.getPreferredVersion().getGroupVersion();
        add(out, g.getName(), gv.substring(gv.indexOf('/') + 1), client.getApiResources(gv));
      }
    }
    return out;
  }

  private static void add(
      List<ApiResource> out, String group, String version, APIResourceList list) {
    if (list == null || list.getResources() == null) {
      return;
    }
    for (io.fabric8.kubernetes.api.model.APIResource r : list.getResources()) {
      if (r.getName().contains("/")) {
        continue;
      }
      out.add(
          new ApiResource(
              group,
              version,
              r.getName(),
              r.getKind(),
              Boolean.TRUE.equals(r.getNamespaced()),
              new HashSet<>(r.getVerbs() == null ? List.of() : r.getVerbs())));
    }
  }
}
