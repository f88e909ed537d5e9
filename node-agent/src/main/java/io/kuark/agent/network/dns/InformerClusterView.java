package io.kuark.agent.network.dns;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@link ClusterView} over fabric8 informers on Namespaces, Services and EndpointSlices with
 * indexes for the lookups DNS makes. Informers start in the background and keep retrying while the
 * API server is unreachable, so the agent starts regardless; until they have synced, misses are
 * SERVFAIL (see {@link KubernetesZone}).
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(InformerClusterView.class);
  private static final String BY_SERVICE = "service";
  private static final String BY_CLUSTER_IP = "clusterIP";
  private static final String BY_ADDRESS = "address";

  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;

  public InformerClusterView(KubernetesClient client) {
    namespaces = client.namespaces().runnableInformer(0);
    services = client.services().inAnyNamespace().runnableInformer(0);
    slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    services.addIndexers(Map.of(BY_CLUSTER_IP, InformerClusterView::clusterIps));
    slices.addIndexers(
        Map.of(
            BY_SERVICE,
            InformerClusterView::serviceKey,
            BY_ADDRESS,
            InformerClusterView::addresses));
    for (SharedIndexInformer<?> informer : List.of(namespaces, services, slices)) {
      informer.exceptionHandler(
          (started, error) -> {
            LOG.debugf("cluster DNS informer retrying: %s", error.getMessage());
            return true;
          });
    }
  }

  /** Starts the informers without waiting for them. */
  public void start() {
    namespaces.start();
    services.start();
    slices.start();
  }

  @Override
  public boolean synced() {
    return namespaces.hasSynced() && services.hasSynced() && slices.hasSynced();
  }

  @Override
  public boolean namespaceExists(String namespace) {
    return namespaces.getStore().getByKey(namespace) != null;
  }

  @Override
  public Service service(String namespace, String name) {
    return services.getStore().getByKey(namespace + "/" + name);
  }

  @Override
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    return slices.getIndexer().byIndex(BY_SERVICE, namespace + "/" + service);
  }

  @Override
  public List<Service> servicesWithClusterIp(String ip) {
    return services.getIndexer().byIndex(BY_CLUSTER_IP, ip);
  }

  @Override
  public List<EndpointSlice> endpointSlicesWithAddress(String ip) {
    return slices.getIndexer().byIndex(BY_ADDRESS, ip);
  }

  @Override
  public void close() {
    namespaces.stop();
    services.stop();
    slices.stop();
  }

  private static List<String> clusterIps(Service service) {
    List<String> keys = new ArrayList<>();
    if (service.getSpec() == null) {
      return keys;
    }
    List<String> ips = service.getSpec().getClusterIPs();
    if (ips == null || ips.isEmpty()) {
      ips =
          service.getSpec().getClusterIP() == null
              ? List.of()
              : List.of(service.getSpec().getClusterIP());
    }
    for (String ip : ips) {
      if (!"None".equals(ip) && !ip.isEmpty()) {
        keys.add(KubernetesZone.canonical(ip));
      }
    }
    return keys;
  }

  private static List<String> serviceKey(EndpointSlice slice) {
    String service = KubernetesZone.serviceName(slice);
    return service == null
        ? List.of()
        : List.of(slice.getMetadata().getNamespace() + "/" + service);
  }

  private static List<String> addresses(EndpointSlice slice) {
    List<String> keys = new ArrayList<>();
    if (slice.getEndpoints() == null || "FQDN".equals(slice.getAddressType())) {
      return keys;
    }
    for (Endpoint endpoint : slice.getEndpoints()) {
      if (endpoint.getAddresses() != null) {
        for (String address : endpoint.getAddresses()) {
          keys.add(KubernetesZone.canonical(address));
        }
      }
    }
    return keys;
  }
}
