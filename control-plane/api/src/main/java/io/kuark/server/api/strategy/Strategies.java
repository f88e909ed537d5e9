package io.kuark.server.api.strategy;

import io.kuark.server.api.alloc.NodePortAllocator;
import io.kuark.server.api.alloc.ServiceIpAllocator;
import io.kuark.server.apimodel.ResourceType;

/** Picks the {@link ResourceStrategy} of a resource type. */
public final class Strategies {

  private static final ResourceStrategy DEFAULT = new ResourceStrategy() {};
  private static final ResourceStrategy PODS = new PodStrategy();
  private static final ResourceStrategy NAMESPACES = new NamespaceStrategy();

  private final ServiceIpAllocator serviceIps;
  private final NodePortAllocator nodePorts;

  public Strategies(ServiceIpAllocator serviceIps, NodePortAllocator nodePorts) {
    this.serviceIps = serviceIps;
    this.nodePorts = nodePorts;
  }

  public ResourceStrategy forType(ResourceType type) {
    if (type.isCore()) {
      switch (type.plural()) {
        case "pods":
          return PODS;
        case "namespaces":
          return NAMESPACES;
        case "services":
          return new ServiceStrategy(type, serviceIps, nodePorts);
        default:
          return DEFAULT;
      }
    }
    if (type.group().equals("certificates.k8s.io")
        && type.plural().equals("certificatesigningrequests")) {
      return new CertificateSigningRequestStrategy(type);
    }
    return DEFAULT;
  }

  public ServiceIpAllocator serviceIps() {
    return serviceIps;
  }
}
