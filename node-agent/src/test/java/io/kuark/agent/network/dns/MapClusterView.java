package io.kuark.agent.network.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** An in-memory {@link ClusterView} for tests. */
final class MapClusterView implements ClusterView {
  final Set<String> namespaces = new HashSet<>();
  final List<Service> services = new ArrayList<>();
  final List<EndpointSlice> slices = new ArrayList<>();
  boolean synced = true;

  @Override
  public boolean synced() {
    return synced;
  }

  @Override
  public boolean namespaceExists(String namespace) {
    return namespaces.contains(namespace);
  }

  @Override
  public Service service(String namespace, String name) {
    for (Service s : services) {
      if (s.getMetadata().getNamespace().equals(namespace)
          && s.getMetadata().getName().equals(name)) {
        return s;
      }
    }
    return null;
  }

  @Override
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    List<EndpointSlice> result = new ArrayList<>();
    for (EndpointSlice s : slices) {
      if (s.getMetadata().getNamespace().equals(namespace)
          && service.equals(KubernetesZone.serviceName(s))) {
        result.add(s);
      }
    }
    return result;
  }

  @Override
  public List<Service> servicesWithClusterIp(String ip) {
    List<Service> result = new ArrayList<>();
    for (Service s : services) {
      if (s.getSpec().getClusterIPs() != null && s.getSpec().getClusterIPs().contains(ip)) {
        result.add(s);
      }
    }
    return result;
  }

  @Override
  public List<EndpointSlice> endpointSlicesWithAddress(String ip) {
    List<EndpointSlice> result = new ArrayList<>();
    for (EndpointSlice s : slices) {
      if (s.getEndpoints().stream().anyMatch(e -> e.getAddresses().contains(ip))) {
        result.add(s);
      }
    }
    return result;
  }
}
