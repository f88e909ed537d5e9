package io.kuark.agent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.agent.downward.NodeAllocatable;
import io.kuark.agent.pod.ContainerStarter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads ConfigMaps, Secrets and ServiceAccount tokens for pods from the API server. ConfigMaps and
 * Secrets come from a watch of each object ({@link WatchedObjects}), tokens from a TokenRequest.
 */
final class ApiSources implements ContainerStarter.Sources {

  private static final Logger LOG = Logger.getLogger(ApiSources.class);

  private final KubernetesClient client;
  private final NodeAllocatable allocatable;
  private final WatchedObjects<ConfigMap> configMaps;
  private final WatchedObjects<Secret> secrets;

  /**
   * @param allocatable the node's allocatable resources as the agent reports them
   */
  ApiSources(KubernetesClient client, NodeAllocatable allocatable) {
    this.client = client;
    this.allocatable = allocatable;
    this.configMaps =
        new WatchedObjects<>(
            "configmap",
            (ns, name) -> client.configMaps().inNamespace(ns).withName(name).runnableInformer(0),
            (ns, name) -> client.configMaps().inNamespace(ns).withName(name).get(),
            Clock.systemUTC());
    this.secrets =
        new WatchedObjects<>(
            "secret",
            (ns, name) -> client.secrets().inNamespace(ns).withName(name).runnableInformer(0),
            (ns, name) -> client.secrets().inNamespace(ns).withName(name).get(),
            Clock.systemUTC());
  }

  /** ConfigMaps being watched, as namespace/name (for tests). */
  java.util.Set<String> watchedConfigMaps() {
    return configMaps.watched();
  }

  /** Stops the watches. */
  void close() {
    configMaps.close();
    secrets.close();
  }

  // Env's text is derived from these bytes (ContainerStarter.Sources' defaults).
  @Override
  public Optional<Map<String, byte[]>> configMapFiles(String namespace, String name) {
    ConfigMap map = configMaps.get(namespace, name).orElse(null);
    if (map == null) {
      return Optional.empty();
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (map.getData() != null) {
      map.getData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (map.getBinaryData() != null) {
      map.getBinaryData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
    }
    return Optional.of(files);
  }

  @Override
  public Optional<Map<String, byte[]>> secretFiles(String namespace, String name) {
    Secret secret = secrets.get(namespace, name).orElse(null);
    if (secret == null) {
      return Optional.empty();
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.of(files);
  }

  @Override
  public Map<String, io.fabric8.kubernetes.api.model.Quantity> nodeAllocatable() {
    return allocatable.nodeAllocatable();
  }

  @Override
  public Optional<String> serviceAccountToken(Pod pod, String audience, Long expirationSeconds) {
    String account = pod.getSpec().getServiceAccountName();
    if (account == null || account.isEmpty()) {
      account = "default";
    }
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withAudiences(audience == null || audience.isEmpty() ? List.of() : List.of(audience))
            .withExpirationSeconds(expirationSeconds == null ? 3607L : expirationSeconds)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build();
    try {
      TokenRequest issued =
          client
              .serviceAccounts()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(account)
              .tokenRequest(request);
      return issued == null || issued.getStatus() == null
          ? Optional.empty()
          : Optional.ofNullable(issued.getStatus().getToken());
    } catch (KubernetesClientException e) {
      LOG.debugf("token request for %s failed: %s", account, e.getMessage());
      return Optional.empty();
    }
  }
}
