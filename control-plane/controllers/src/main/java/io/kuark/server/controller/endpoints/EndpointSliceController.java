package io.kuark.server.controller.endpoints;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.Semantic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maintains the EndpointSlices of every Service with a selector: one slice per distinct resolved
 * port set, at most {@value #MAX_ENDPOINTS} endpoints each, with ready/serving/terminating
 * conditions, nodeName and a targetRef per pod. Slices carry upstream's labels and a controller
 * reference to the Service (so the garbage collector removes them with it).
 */
public final class EndpointSliceController {
  static final int MAX_ENDPOINTS = 100;
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
  static final String MANAGED_BY = "endpointslice-controller.k8s.io";

  private final KubernetesClient client;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<EndpointSlice> slices;
  private final Controller controller;

  public EndpointSliceController(LoopContext ctx) {
    this.client = ctx.client();
    this.services = ctx.informers().lister(Service.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.slices = ctx.informers().lister(EndpointSlice.class);
    this.controller = ctx.controller("endpointslice", this::sync, 2);
    ctx.informers()
        .get(Service.class)
        .addEventHandler(Handlers.any(s -> controller.enqueue(Keys.of(s))));
    ctx.informers().get(Pod.class).addEventHandler(ServiceKeys.podHandler(services, controller));
    ctx.informers().get(EndpointSlice.class).addEventHandler(Handlers.any(this::sliceChanged));
  }

  public Controller controller() {
    return controller;
  }

  private void sliceChanged(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    if (labels != null
        && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL))
        && labels.get(SERVICE_NAME_LABEL) != null) {
      controller.enqueue(
          Keys.of(slice.getMetadata().getNamespace(), labels.get(SERVICE_NAME_LABEL)));
    }
  }

  Optional<Duration> sync(String key) {
    Service svc = services.get(key);
    if (svc == null
        || svc.getSpec().getSelector() == null
        || svc.getSpec().getSelector().isEmpty()) {
      // Deleted services' slices go with them through the garbage collector.
      return Optional.empty();
    }
    String ns = svc.getMetadata().getNamespace();
    List<PodEndpoint> endpoints = EndpointSelection.select(svc, pods.namespace(ns).list());
    // Group by resolved port set; each group becomes one or more slices.
    Map<List<PodEndpoint.ResolvedPort>, List<Endpoint>> groups = new LinkedHashMap<>();
    for (PodEndpoint e : endpoints) {
      if (e.ip().contains(":")) {
        continue;
      }
      groups.computeIfAbsent(e.ports(), k -> new ArrayList<>()).add(endpoint(e));
    }
    List<EndpointSlice> desired = new ArrayList<>();
    for (Map.Entry<List<PodEndpoint.ResolvedPort>, List<Endpoint>> g : groups.entrySet()) {
      List<Endpoint> all = g.getValue();
      for (int i = 0; i < all.size(); i += MAX_ENDPOINTS) {
        desired.add(
            slice(svc, ports(g.getKey()), all.subList(i, Math.min(all.size(), i + MAX_ENDPOINTS))));
      }
    }
    if (desired.isEmpty()) {
      // Upstream keeps one empty slice so consumers see "no endpoints" rather than "unknown".
      desired.add(slice(svc, ports(EndpointSelection.resolvePortsForEmpty(svc)), List.of()));
    }
    List<EndpointSlice> existing = new ArrayList<>();
    for (EndpointSlice s : slices.namespace(ns).list()) {
      Map<String, String> l = s.getMetadata().getLabels();
      if (l != null
          && svc.getMetadata().getName().equals(l.get(SERVICE_NAME_LABEL))
          && MANAGED_BY.equals(l.get(MANAGED_BY_LABEL))) {
        existing.add(s);
      }
    }
    var json = client.getKubernetesSerialization();
    existing.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    int i = 0;
    for (; i < desired.size(); i++) {
      EndpointSlice want = desired.get(i);
      if (i < existing.size()) {
        EndpointSlice have = existing.get(i);
        if (!Semantic.equal(json, have.getEndpoints(), want.getEndpoints())
            || !Semantic.equal(json, have.getPorts(), want.getPorts())
            || !Semantic.equal(
                json, have.getMetadata().getLabels(), want.getMetadata().getLabels())) {
          EndpointSlice copy = client.getKubernetesSerialization().clone(have);
          copy.setEndpoints(want.getEndpoints());
          copy.setPorts(want.getPorts());
          copy.setAddressType(want.getAddressType());
          copy.getMetadata().setLabels(want.getMetadata().getLabels());
          client.discovery().v1().endpointSlices().inNamespace(ns).resource(copy).update();
        }
      } else {
        client.discovery().v1().endpointSlices().inNamespace(ns).resource(want).create();
      }
    }
    for (; i < existing.size(); i++) {
      try {
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withName(existing.get(i).getMetadata().getName())
            .delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return Optional.empty();
  }

  private static Endpoint endpoint(PodEndpoint e) {
    Pod pod = e.pod();
    EndpointBuilder b =
        new EndpointBuilder()
            .withAddresses(e.ip())
            .withNewConditions()
            .withReady(e.ready())
            .withServing(e.serving())
            .withTerminating(e.terminating())
            .endConditions()
            .withTargetRef(
                new ObjectReferenceBuilder()
                    .withKind("Pod")
                    .withNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .withUid(pod.getMetadata().getUid())
                    .build());
    if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      b.withNodeName(pod.getSpec().getNodeName());
    }
    if (pod.getSpec().getHostname() != null && pod.getSpec().getSubdomain() != null) {
      b.withHostname(pod.getSpec().getHostname());
    }
    return b.build();
  }

  private static List<EndpointPort> ports(List<PodEndpoint.ResolvedPort> resolved) {
    List<EndpointPort> out = new ArrayList<>();
    for (PodEndpoint.ResolvedPort p : resolved) {
      out.add(
          new EndpointPortBuilder()
              .withName(p.name())
              .withProtocol(p.protocol())
              .withPort(p.port())
              .withAppProtocol(p.appProtocol())
              .build());
    }
    return out;
  }

  private static EndpointSlice slice(
      Service svc, List<EndpointPort> ports, List<Endpoint> endpoints) {
    Map<String, String> labels = new HashMap<>();
    if (svc.getMetadata().getLabels() != null) {
      labels.putAll(svc.getMetadata().getLabels());
    }
    labels.put(SERVICE_NAME_LABEL, svc.getMetadata().getName());
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put("service.kubernetes.io/headless", "");
    }
    OwnerReference owner = Owners.controllerRef(svc);
    owner.setApiVersion(HasMetadata.getApiVersion(Service.class));
    owner.setKind(HasMetadata.getKind(Service.class));
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withGenerateName(svc.getMetadata().getName() + "-")
        .withNamespace(svc.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(owner)
        .endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(new ArrayList<>(endpoints))
        .withPorts(ports)
        .build();
  }
}
