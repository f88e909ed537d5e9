package io.kuark.server.controller.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Semantic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy core/v1 Endpoints of every Service with a selector: ready pods under {@code
 * addresses}, unready ones under {@code notReadyAddresses}, terminating pods left out (unless the
 * Service publishes not-ready addresses), one subset per resolved port set.
 */
public final class EndpointsController {
  private final KubernetesClient client;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<Endpoints> endpoints;
  private final Controller controller;

  public EndpointsController(LoopContext ctx) {
    this.client = ctx.client();
    this.services = ctx.informers().lister(Service.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.endpoints = ctx.informers().lister(Endpoints.class);
    this.controller = ctx.controller("endpoints", this::sync, 2);
    ctx.informers()
        .get(Service.class)
        .addEventHandler(Handlers.any(s -> controller.enqueue(Keys.of(s))));
    ctx.informers().get(Pod.class).addEventHandler(ServiceKeys.podHandler(services, controller));
  }

  public Controller controller() {
    return controller;
  }

  Optional<Duration> sync(String key) {
    Service svc = services.get(key);
    if (svc == null) {
      Endpoints stale = endpoints.get(key);
      if (stale != null && !"default/kubernetes".equals(key)) {
        try {
          client.endpoints().inNamespace(Keys.namespace(key)).withName(Keys.name(key)).delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
      return Optional.empty();
    }
    if (svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
      return Optional.empty();
    }
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    Map<List<PodEndpoint.ResolvedPort>, EndpointSubsetBuilder> subsets = new LinkedHashMap<>();
    for (PodEndpoint e :
        EndpointSelection.select(svc, pods.namespace(svc.getMetadata().getNamespace()).list())) {
      if (e.terminating() && !publishNotReady) {
        continue;
      }
      EndpointSubsetBuilder b =
          subsets.computeIfAbsent(
              e.ports(), ports -> new EndpointSubsetBuilder().withPorts(ports(ports)));
      if (e.ready()) {
        b.addToAddresses(address(e));
      } else {
        b.addToNotReadyAddresses(address(e));
      }
    }
    List<EndpointSubset> desired = new ArrayList<>();
    for (EndpointSubsetBuilder b : subsets.values()) {
      desired.add(b.build());
    }
    Map<String, String> labels = new HashMap<>();
    if (svc.getMetadata().getLabels() != null) {
      labels.putAll(svc.getMetadata().getLabels());
    }
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put("service.kubernetes.io/headless", "");
    }
    Endpoints existing = endpoints.get(key);
    if (existing == null) {
      Endpoints ep =
          new EndpointsBuilder()
              .withNewMetadata()
              .withName(svc.getMetadata().getName())
              .withNamespace(svc.getMetadata().getNamespace())
              .withLabels(labels)
              .endMetadata()
              .withSubsets(desired)
              .build();
      try {
        client.endpoints().inNamespace(svc.getMetadata().getNamespace()).resource(ep).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        return Optional.of(Duration.ofMillis(200));
      }
    } else if (!Semantic.equal(client.getKubernetesSerialization(), existing.getSubsets(), desired)
        || !Semantic.equal(
            client.getKubernetesSerialization(), existing.getMetadata().getLabels(), labels)) {
      Endpoints copy = client.getKubernetesSerialization().clone(existing);
      copy.setSubsets(desired);
      copy.getMetadata().setLabels(labels);
      client.endpoints().inNamespace(svc.getMetadata().getNamespace()).resource(copy).update();
    }
    return Optional.empty();
  }

  private static EndpointAddress address(PodEndpoint e) {
    Pod pod = e.pod();
    EndpointAddressBuilder b =
        new EndpointAddressBuilder()
            .withIp(e.ip())
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
              .withName(p.name().isEmpty() ? null : p.name())
              .withProtocol(p.protocol())
              .withPort(p.port())
              .withAppProtocol(p.appProtocol())
              .build());
    }
    return out;
  }
}
