package io.kuark.server.controller.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuark.server.apimodel.quota.QuotaUsage;
import io.kuark.server.apimodel.quota.ResourceList;
import io.kuark.server.controller.discovery.ApiDiscovery;
import io.kuark.server.controller.discovery.ApiResource;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Upstream's resource quota controller: keeps every ResourceQuota's {@code status.hard} equal to
 * its spec and {@code status.used} equal to what the namespace's objects cost (the admission step
 * charges creates ahead; this recomputes from the objects). Recomputes when a quota appears or its
 * limits change, when a counted object is deleted or stops costing (a pod finishes, a claim or
 * service changes), and every {@link #RESYNC} (object counts of other types).
 */
public final class ResourceQuotaController {

  /** Upstream's default {@code --resource-quota-sync-period}. */
  static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final Clock clock;
  private final ApiDiscovery discovery;
  private final Lister<ResourceQuota> quotas;

  /** Cached lists of the core kinds, by plural. */
  private final Map<String, Lister<? extends HasMetadata>> cached = new LinkedHashMap<>();

  private final Controller controller;

  public ResourceQuotaController(LoopContext ctx, ApiDiscovery discovery) {
    this.client = ctx.client();
    this.json = client.getKubernetesSerialization();
    this.clock = ctx.clock();
    this.discovery = discovery;
    this.quotas = ctx.informers().lister(ResourceQuota.class);
    this.controller = ctx.controller("resourcequota", this::sync, 2);
    cached.put("pods", ctx.informers().lister(Pod.class));
    cached.put("services", ctx.informers().lister(Service.class));
    cached.put("persistentvolumeclaims", ctx.informers().lister(PersistentVolumeClaim.class));
    cached.put("configmaps", ctx.informers().lister(ConfigMap.class));
    cached.put("secrets", ctx.informers().lister(Secret.class));
    cached.put("resourcequotas", quotas);
    ctx.informers()
        .get(ResourceQuota.class)
        .addEventHandler(
            Handlers.of(
                q -> controller.enqueue(Keys.of(q)),
                (o, q) -> {
                  if (needsSync(o, q)) {
                    controller.enqueue(Keys.of(q));
                  }
                },
                q -> replenish(q.getMetadata().getNamespace())));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(
            replenishing(
                (o, n) ->
                    !Objects.equals(phase(o), phase(n))
                        || !Objects.equals(
                            o.getMetadata().getDeletionTimestamp(),
                            n.getMetadata().getDeletionTimestamp())));
    ctx.informers()
        .get(Service.class)
        .addEventHandler(replenishing((o, n) -> !Objects.equals(o.getSpec(), n.getSpec())));
    ctx.informers()
        .get(PersistentVolumeClaim.class)
        .addEventHandler(
            replenishing(
                (o, n) -> !Objects.equals(o.getSpec().getResources(), n.getSpec().getResources())));
    ctx.informers().get(ConfigMap.class).addEventHandler(replenishing((o, n) -> false));
    ctx.informers().get(Secret.class).addEventHandler(replenishing((o, n) -> false));
  }

  public Controller controller() {
    return controller;
  }

  private static String phase(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  private <T extends HasMetadata>
      io.fabric8.kubernetes.client.informers.ResourceEventHandler<T> replenishing(
          java.util.function.BiPredicate<T, T> changesUsage) {
    return Handlers.of(
        o -> {},
        (o, n) -> {
          if (changesUsage.test(o, n)) {
            replenish(n.getMetadata().getNamespace());
          }
        },
        o -> replenish(o.getMetadata().getNamespace()));
  }

  /** Recomputes every quota of the namespace (an object stopped costing). */
  private void replenish(String namespace) {
    for (ResourceQuota q : quotas.namespace(namespace).list()) {
      controller.enqueue(Keys.of(q));
    }
  }

  private boolean needsSync(ResourceQuota old, ResourceQuota q) {
    if (!Objects.equals(old.getSpec(), q.getSpec())) {
      return true;
    }
    ResourceQuotaStatus s = q.getStatus();
    Map<String, ?> hard = q.getSpec() == null ? null : q.getSpec().getHard();
    return s == null
        || !ResourceList.of(json.convertValue(s.getHard(), JsonNode.class))
            .equals(ResourceList.of(json.convertValue(hard, JsonNode.class)));
  }

  Optional<Duration> sync(String key) {
    ResourceQuota quota = quotas.get(key);
    if (quota == null) {
      return Optional.empty();
    }
    JsonNode quotaTree = json.convertValue(quota, JsonNode.class);
    ResourceList hard = ResourceList.of(quotaTree.path("spec").path("hard"));
    String namespace = quota.getMetadata().getNamespace();
    ResourceList used = new ResourceList();
    for (Counted kind : kinds(hard)) {
      List<String> tracked =
          QuotaUsage.matchingResources(kind.group(), kind.plural(), hard.names());
      if (tracked.isEmpty()) {
        continue;
      }
      for (JsonNode object : kind.list().apply(namespace)) {
        if (QuotaUsage.matches(quotaTree, kind.group(), kind.plural(), object)) {
          used =
              used.plus(
                  QuotaUsage.usage(kind.group(), kind.plural(), object, clock.instant())
                      .mask(tracked));
        }
      }
    }
    ResourceList zeros = new ResourceList();
    for (String name : hard.names()) {
      zeros.put(name, io.kuark.server.apimodel.quota.Quantity.ZERO);
    }
    used = zeros.plus(used);
    JsonNode status = quotaTree.path("status");
    if (ResourceList.of(status.path("hard")).equals(hard)
        && ResourceList.of(status.path("used")).equals(used)
        && status.path("hard").size() == hard.names().size()
        && status.path("used").size() == used.names().size()) {
      return Optional.of(RESYNC);
    }
    ResourceQuota copy = json.clone(quota);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("hard", hard.toJson());
    body.put("used", used.toJson());
    copy.setStatus(json.convertValue(body, ResourceQuotaStatus.class));
    try {
      client.resourceQuotas().inNamespace(namespace).resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e; // 409: the work queue retries with the newer quota
    }
    return Optional.of(RESYNC);
  }

  /** A kind of object the quota counts, and how to list a namespace's objects of it. */
  private record Counted(String group, String plural, Function<String, List<JsonNode>> list) {}

  private List<Counted> kinds(ResourceList hard) {
    List<Counted> out = new ArrayList<>();
    for (String plural : cached.keySet()) {
      out.add(new Counted("", plural, ns -> cachedList(plural, ns)));
    }
    for (String name : hard.names()) {
      if (!name.startsWith("count/")) {
        continue;
      }
      String resource = name.substring("count/".length());
      int dot = resource.indexOf('.');
      String plural = dot < 0 ? resource : resource.substring(0, dot);
      String group = dot < 0 ? "" : resource.substring(dot + 1);
      if (group.isEmpty() && cached.containsKey(plural)) {
        continue;
      }
      for (ApiResource r : discovery.resources()) {
        if (r.group().equals(group) && r.plural().equals(plural) && r.namespaced()) {
          out.add(new Counted(group, plural, ns -> listed(r, ns)));
        }
      }
    }
    return out;
  }

  private List<JsonNode> cachedList(String plural, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (HasMetadata o : cached.get(plural).namespace(namespace).list()) {
      out.add(json.convertValue(o, JsonNode.class));
    }
    return out;
  }

  private List<JsonNode> listed(ApiResource r, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (var o :
        client.genericKubernetesResources(r.context()).inNamespace(namespace).list().getItems()) {
      out.add(json.convertValue(o, JsonNode.class));
    }
    return out;
  }
}
