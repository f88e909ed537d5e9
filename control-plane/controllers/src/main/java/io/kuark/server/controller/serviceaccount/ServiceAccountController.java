package io.kuark.server.controller.serviceaccount;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Ensures the {@code default} ServiceAccount exists in every active namespace (re-creates it if
 * deleted).
 */
public final class ServiceAccountController {
  static final String DEFAULT = "default";

  private final KubernetesClient client;
  private final Lister<Namespace> namespaces;
  private final Lister<ServiceAccount> accounts;
  private final Controller controller;

  public ServiceAccountController(LoopContext ctx) {
    this.client = ctx.client();
    this.namespaces = ctx.informers().lister(Namespace.class);
    this.accounts = ctx.informers().lister(ServiceAccount.class);
    this.controller = ctx.controller("serviceaccount", this::sync, 1);
    ctx.informers()
        .get(Namespace.class)
        .addEventHandler(
            Handlers.of(
                ns -> controller.enqueue(ns.getMetadata().getName()),
                (o, ns) -> controller.enqueue(ns.getMetadata().getName()),
                ns -> {}));
    ctx.informers()
        .get(ServiceAccount.class)
        .addEventHandler(
            Handlers.of(
                sa -> {},
                (o, sa) -> {},
                sa -> {
                  if (DEFAULT.equals(sa.getMetadata().getName())) {
                    controller.enqueue(sa.getMetadata().getNamespace());
                  }
                }));
  }

  public Controller controller() {
    return controller;
  }

  Optional<Duration> sync(String namespace) {
    Namespace ns = namespaces.get(namespace);
    if (ns == null
        || ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
      return Optional.empty();
    }
    if (accounts.get(Keys.of(namespace, DEFAULT)) != null) {
      return Optional.empty();
    }
    ServiceAccount sa =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(DEFAULT)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    try {
      client.serviceAccounts().inNamespace(namespace).resource(sa).create();
    } catch (KubernetesClientException e) {
      // 409: it exists (the cache lags); 403/404: the namespace is going away.
      if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
        throw e;
      }
    }
    return Optional.empty();
  }
}
