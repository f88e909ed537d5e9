package io.kuark.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.alloc.ServiceIpAllocator;
import io.kuark.server.api.handler.ApiContext;
import io.kuark.server.api.handler.CreateHandler;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.StorageException;
import java.util.List;
import java.util.Optional;

/**
 * Creates what every cluster has (upstream's bootstrap controller): the namespaces {@code default},
 * {@code kube-system}, {@code kube-public}, {@code kube-node-lease}; the {@code kubernetes} Service
 * in {@code default} with the first Service IP; its Endpoints and EndpointSlice pointing at this
 * API server; the {@code kube-system/kube-dns} Service at the cluster DNS address (the agents serve
 * it node-locally, so it has no selector and no endpoints); the PriorityClasses {@code
 * system-node-critical} and {@code system-cluster-critical}. Idempotent: existing objects are kept,
 * endpoints are corrected.
 */
final class SystemBootstrap {

  static final List<String> NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final ApiContext ctx;
  private final CreateHandler creator;
  private final ApiServerConfig config;
  private final ServiceIpAllocator ips;

  SystemBootstrap(
      ApiContext ctx, CreateHandler creator, ApiServerConfig config, ServiceIpAllocator ips) {
    this.ctx = ctx;
    this.creator = creator;
    this.config = config;
    this.ips = ips;
  }

  void run() {
    ResourceType namespaces = type("", "v1", "namespaces");
    for (String name : NAMESPACES) {
      ObjectNode ns = object("v1", "Namespace", name, null);
      createIfMissing(namespaces, ns);
    }
    ObjectNode service = object("v1", "Service", "kubernetes", "default");
    Meta.metadata(service)
        .with("labels")
        .put("component", "apiserver")
        .put("provider", "kubernetes");
    ObjectNode spec = service.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.put("clusterIP", ips.firstIp());
    spec.put("sessionAffinity", "None");
    ObjectNode port = spec.putArray("ports").addObject();
    port.put("name", "https");
    port.put("port", 443);
    port.put("protocol", "TCP");
    port.put("targetPort", config.securePort());
    createIfMissing(type("", "v1", "services"), service);
    createIfMissing(type("", "v1", "services"), kubeDns());
    ensureEndpoints();
    ensureEndpointSlice();
    ensurePriorityClasses();
  }

  /**
   * The two built-in PriorityClasses every upstream cluster has (the Priority admission already
   * resolves their names; the objects make them visible to {@code kubectl get priorityclasses}).
   */
  private void ensurePriorityClasses() {
    Optional<ResourceType> classes =
        ctx.catalog().find("scheduling.k8s.io", "v1", "priorityclasses");
    if (classes.isEmpty()) {
      return;
    }
    createIfMissing(
        classes.get(),
        priorityClass(
            "system-node-critical",
            2_000_001_000L,
            "Built-in: for pods that must stay on the node they run on."));
    createIfMissing(
        classes.get(),
        priorityClass(
            "system-cluster-critical",
            2_000_000_000L,
            "Built-in: for pods the cluster needs, which may move to another node."));
  }

  private static ObjectNode priorityClass(String name, long value, String description) {
    ObjectNode pc = object("scheduling.k8s.io/v1", "PriorityClass", name, null);
    pc.put("value", value);
    pc.put("description", description);
    pc.put("preemptionPolicy", "PreemptLowerPriority");
    return pc;
  }

  /**
   * kube-dns as upstream clusters name it. Created through the normal create path, so the Service
   * IP allocator marks its ClusterIP as taken like any explicitly requested one.
   */
  private ObjectNode kubeDns() {
    ObjectNode service = object("v1", "Service", "kube-dns", "kube-system");
    Meta.metadata(service)
        .with("labels")
        .put("k8s-app", "kube-dns")
        .put("kubernetes.io/name", "CoreDNS");
    ObjectNode spec = service.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.put("clusterIP", config.clusterDnsIp());
    spec.put("sessionAffinity", "None");
    ArrayNode ports = spec.putArray("ports");
    ports
        .addObject()
        .put("name", "dns")
        .put("port", 53)
        .put("protocol", "UDP")
        .put("targetPort", 53);
    ports
        .addObject()
        .put("name", "dns-tcp")
        .put("port", 53)
        .put("protocol", "TCP")
        .put("targetPort", 53);
    return service;
  }

  private void ensureEndpoints() {
    ObjectNode endpoints = object("v1", "Endpoints", "kubernetes", "default");
    Meta.metadata(endpoints).with("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
    ObjectNode subset = endpoints.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", config.advertiseAddress());
    ObjectNode port = subset.putArray("ports").addObject();
    port.put("name", "https");
    port.put("port", config.securePort());
    port.put("protocol", "TCP");
    upsert(type("", "v1", "endpoints"), endpoints, "subsets");
  }

  private void ensureEndpointSlice() {
    Optional<ResourceType> slices = ctx.catalog().find("discovery.k8s.io", "v1", "endpointslices");
    if (slices.isEmpty()) {
      return;
    }
    ObjectNode slice = object("discovery.k8s.io/v1", "EndpointSlice", "kubernetes", "default");
    Meta.metadata(slice)
        .with("labels")
        .put("kubernetes.io/service-name", "kubernetes")
        .put("endpointslice.kubernetes.io/managed-by", "kuark-apiserver");
    slice.put("addressType", "IPv4");
    ObjectNode endpoint = slice.putArray("endpoints").addObject();
    endpoint.putArray("addresses").add(config.advertiseAddress());
    endpoint.putObject("conditions").put("ready", true);
    ArrayNode ports = slice.putArray("ports");
    ObjectNode port = ports.addObject();
    port.put("name", "https");
    port.put("port", config.securePort());
    port.put("protocol", "TCP");
    upsert(slices.get(), slice, "endpoints", "ports");
  }

  private void createIfMissing(ResourceType type, ObjectNode object) {
    if (ctx.store().get(type, Meta.namespace(object), Meta.name(object)).isPresent()) {
      return;
    }
    try {
      creator.create(type, object, false);
    } catch (ApiException e) {
      if (!e.reason().equals("AlreadyExists")) {
        throw e;
      }
    }
  }

  /** Creates {@code wanted}, or replaces the named fields of the existing object if they differ. */
  private void upsert(ResourceType type, ObjectNode wanted, String... fields) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<StoredObject> existing =
          ctx.store().get(type, Meta.namespace(wanted), Meta.name(wanted));
      if (existing.isEmpty()) {
        createIfMissing(type, wanted.deepCopy());
        return;
      }
      ObjectNode current = existing.get().object().deepCopy();
      boolean same = true;
      for (String f : fields) {
        same &= current.path(f).equals(wanted.path(f));
      }
      if (same) {
        return;
      }
      for (String f : fields) {
        current.set(f, wanted.get(f).deepCopy());
      }
      try {
        ctx.store().update(type, current, existing.get().modRevision());
        return;
      } catch (StorageException.Conflict e) {
        // Changed meanwhile: read again.
      }
    }
  }

  private ResourceType type(String group, String version, String plural) {
    return ctx.catalog()
        .find(group, version, plural)
        .orElseThrow(() -> new IllegalStateException("catalog lacks " + plural));
  }

  private static ObjectNode object(String apiVersion, String kind, String name, String namespace) {
    ObjectNode o = Json.object();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    return o;
  }
}
