package io.kuark.server.controller.namespace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.discovery.ApiDiscovery;
import io.kuark.server.controller.discovery.ApiResource;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.LoopContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Empties namespaces that are being deleted: deletes every namespaced object of every type that
 * discovery lists (deletecollection, or one by one where that verb is missing), waits until none is
 * left, then removes the {@code kubernetes} finalizer through the {@code namespaces/finalize}
 * subresource so the API server can drop the namespace.
 */
public final class NamespaceController {
  static final String FINALIZER = "kubernetes";

  private final KubernetesClient client;
  private final ApiDiscovery discovery;
  private final Lister<Namespace> namespaces;
  private final Controller controller;

  public NamespaceController(LoopContext ctx, ApiDiscovery discovery) {
    this.client = ctx.client();
    this.discovery = discovery;
    this.namespaces = ctx.informers().lister(Namespace.class);
    this.controller = ctx.controller("namespace", this::sync, 2);
    ctx.informers()
        .get(Namespace.class)
        .addEventHandler(
            Handlers.of(
                ns -> controller.enqueue(ns.getMetadata().getName()),
                (o, ns) -> controller.enqueue(ns.getMetadata().getName()),
                ns -> {}));
  }

  public Controller controller() {
    return controller;
  }

  Optional<Duration> sync(String name) throws IOException, Exception {
    Namespace ns = namespaces.get(name);
    if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
      return Optional.empty();
    }
    List<String> finalizers =
        ns.getSpec() == null || ns.getSpec().getFinalizers() == null
            ? List.of()
            : ns.getSpec().getFinalizers();
    if (!finalizers.contains(FINALIZER)) {
      return Optional.empty();
    }
    int remaining = 0;
    for (ApiResource r : discovery.resources()) {
      if (!r.namespaced()
          || !r.supports("list")
          || !(r.supports("delete") || r.supports("deletecollection"))) {
        continue;
      }
      remaining += deleteAll(r, name);
    }
    if (remaining > 0) {
      // Pods with grace periods and objects with finalizers take a while; poll until empty.
      return Optional.of(Duration.ofSeconds(2));
    }
    finalizeNamespace(ns);
    return Optional.empty();
  }

  /** Deletes what is left of {@code r} in {@code ns}; returns how many objects still exist. */
  private int deleteAll(ApiResource r, String ns) {
    var op = client.genericKubernetesResources(r.context()).inNamespace(ns);
    List<GenericKubernetesResource> items;
    try {
      items = op.list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 405) {
        return 0;
      }
      throw e;
    }
    if (items.isEmpty()) {
      return 0;
    }
    boolean collected = false;
    if (r.supports("deletecollection")) {
      try {
        op.delete();
        collected = true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 405 && e.getCode() != 404) {
          throw e;
        }
      }
    }
    if (!collected) {
      for (GenericKubernetesResource item : items) {
        if (item.getMetadata().getDeletionTimestamp() == null) {
          try {
            op.withName(item.getMetadata().getName()).delete();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
              throw e;
            }
          }
        }
      }
    }
    return items.size();
  }

  /** PUT /api/v1/namespaces/{name}/finalize with the {@code kubernetes} finalizer removed. */
  private void finalizeNamespace(Namespace ns) throws Exception {
    Namespace copy = client.getKubernetesSerialization().clone(ns);
    List<String> rest = new ArrayList<>(copy.getSpec().getFinalizers());
    rest.remove(FINALIZER);
    copy.setSpec(new NamespaceSpec(rest));
    String base = client.getMasterUrl().toString();
    if (!base.endsWith("/")) {
      base += "/";
    }
    URI uri =
        URI.create(
            base
                + "api/v1/namespaces/"
                + URLEncoder.encode(ns.getMetadata().getName(), StandardCharsets.UTF_8)
                + "/finalize");
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(uri)
            .put("application/json", client.getKubernetesSerialization().asJson(copy))
            .build();
    HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    if (response.code() == 404) {
      return;
    }
    if (response.code() >= 300) {
      throw new IOException(
          "finalize namespace "
              + ns.getMetadata().getName()
              + ": HTTP "
              + response.code()
              + " "
              + response.body());
    }
  }
}
