package io.kuark.server.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes the cluster CA as ConfigMap {@code kube-root-ca.crt} (key {@code ca.crt}) in every
 * active namespace and puts it back when it is changed or deleted, like upstream's root-ca-cert
 * publisher.
 */
public final class RootCaPublisher {
  public static final String NAME = "kube-root-ca.crt";
  static final String DESCRIPTION_KEY = "kubernetes.io/description";
  static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage"
          + " is guaranteed across distributions of Kubernetes clusters.";

  private final KubernetesClient client;
  private final String caPem;
  private final Lister<Namespace> namespaces;
  private final Lister<ConfigMap> configMaps;
  private final Controller controller;

  public RootCaPublisher(LoopContext ctx, String caPem) {
    this.client = ctx.client();
    this.caPem = caPem;
    this.namespaces = ctx.informers().lister(Namespace.class);
    this.configMaps = ctx.informers().lister(ConfigMap.class);
    this.controller = ctx.controller("root-ca-cert-publisher", this::sync, 1);
    ctx.informers()
        .get(Namespace.class)
        .addEventHandler(
            Handlers.of(
                ns -> controller.enqueue(ns.getMetadata().getName()),
                (o, ns) -> controller.enqueue(ns.getMetadata().getName()),
                ns -> {}));
    ctx.informers()
        .get(ConfigMap.class)
        .addEventHandler(
            Handlers.of(
                cm -> {},
                (o, cm) -> {
                  if (NAME.equals(cm.getMetadata().getName())) {
                    controller.enqueue(cm.getMetadata().getNamespace());
                  }
                },
                cm -> {
                  if (NAME.equals(cm.getMetadata().getName())) {
                    controller.enqueue(cm.getMetadata().getNamespace());
                  }
                }));
  }

  public Controller controller() {
    return controller;
  }

  Optional<Duration> sync(String namespace) {
    Namespace ns = namespaces.get(namespace);
    if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    Map<String, String> data = Map.of("ca.crt", caPem);
    try {
      // The shared cache keeps ConfigMaps without their data (TrimmedItemStore): it says whether
      // the ConfigMap exists; what it holds is read from the API.
      ConfigMap existing =
          configMaps.get(Keys.of(namespace, NAME)) == null
              ? null
              : client.configMaps().inNamespace(namespace).withName(NAME).get();
      if (existing == null) {
        ConfigMap cm =
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace)
                .withAnnotations(Map.of(DESCRIPTION_KEY, DESCRIPTION))
                .endMetadata()
                .withData(data)
                .build();
        client.configMaps().inNamespace(namespace).resource(cm).create();
      } else if (!Objects.equals(existing.getData(), data)) {
        ConfigMap copy = existing;
        copy.setData(data);
        Map<String, String> ann =
            copy.getMetadata().getAnnotations() == null
                ? new HashMap<>()
                : new HashMap<>(copy.getMetadata().getAnnotations());
        ann.putIfAbsent(DESCRIPTION_KEY, DESCRIPTION);
        copy.getMetadata().setAnnotations(ann);
        client.configMaps().inNamespace(namespace).resource(copy).update();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
        throw e;
      }
      if (e.getCode() == 409) {
        return Optional.of(Duration.ofSeconds(1));
      }
    }
    return Optional.empty();
  }
}
