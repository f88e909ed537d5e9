package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes this node's addresses into {@code status.loadBalancer.ingress} of the LoadBalancer
 * Services it serves (k3s ServiceLB without its helper pods), and takes them out again when a
 * Service stops being one this node serves. Several agents share the list: each adds or removes
 * only its own addresses, the list stays sorted and free of duplicates, and every write is a
 * compare-and-swap on resourceVersion (retried after a conflict).
 */
final class LoadBalancerIngressWriter {
  private final KubernetesClient client;
  private final List<String> nodeIps;

  LoadBalancerIngressWriter(KubernetesClient client, List<String> nodeIps) {
    this.client = client;
    this.nodeIps = List.copyOf(nodeIps);
  }

  /** The ingress list {@code service} should have after this node's contribution. */
  static List<String> wanted(Service service, List<String> nodeIps, boolean serve) {
    TreeSet<String> ips = new TreeSet<>(current(service));
    if (serve) {
      ips.addAll(nodeIps);
    } else {
      ips.removeAll(nodeIps);
    }
    return new ArrayList<>(ips);
  }

  static List<String> current(Service service) {
    List<String> ips = new ArrayList<>();
    ServiceStatus status = service.getStatus();
    if (status != null
        && status.getLoadBalancer() != null
        && status.getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress ingress : status.getLoadBalancer().getIngress()) {
        if (ingress.getIp() != null) {
          ips.add(ingress.getIp());
        }
      }
    }
    return ips;
  }

  /**
   * Brings the Service's ingress list in line with whether this node serves it; a no-op when it
   * already is. Returns false when the Service is gone.
   */
  boolean sync(Service cached) {
    Service service = cached;
    for (int attempt = 0; attempt < 5; attempt++) {
      boolean serve = RulesetBuilder.servedLoadBalancer(service);
      List<String> want = wanted(service, nodeIps, serve);
      if (want.equals(current(service))) {
        return true;
      }
      Service copy = client.getKubernetesSerialization().clone(service);
      if (copy.getStatus() == null) {
        copy.setStatus(new ServiceStatus());
      }
      List<LoadBalancerIngress> ingress = new ArrayList<>();
      for (String ip : want) {
        LoadBalancerIngress i = new LoadBalancerIngress();
        i.setIp(ip);
        i.setIpMode("VIP");
        ingress.add(i);
      }
      var status = new io.fabric8.kubernetes.api.model.LoadBalancerStatus();
      status.setIngress(ingress);
      copy.getStatus().setLoadBalancer(status);
      try {
        client.resource(copy).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        service =
            client
                .services()
                .inNamespace(service.getMetadata().getNamespace())
                .withName(service.getMetadata().getName())
                .get();
        if (service == null) {
          return false;
        }
      }
    }
    return false;
  }
}
