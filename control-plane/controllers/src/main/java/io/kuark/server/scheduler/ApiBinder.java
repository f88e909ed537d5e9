package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Binds through {@code POST /api/v1/namespaces/{ns}/pods/{name}/binding} with a v1 Binding whose
 * metadata carries the pod's uid as a precondition (so a re-created pod of the same name is not
 * bound by mistake). fabric8 has no typed call for this subresource, so it goes through the
 * client's own HTTP client (same TLS and credentials).
 */
public final class ApiBinder implements Binder {
  private final KubernetesClient client;

  public ApiBinder(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void bind(Pod pod, String nodeName) throws Exception {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    metadata.put("namespace", ns);
    if (pod.getMetadata().getUid() != null) {
      metadata.put("uid", pod.getMetadata().getUid());
    }
    Map<String, Object> binding = new LinkedHashMap<>();
    binding.put("apiVersion", "v1");
    binding.put("kind", "Binding");
    binding.put("metadata", metadata);
    binding.put("target", Map.of("apiVersion", "v1", "kind", "Node", "name", nodeName));
    String body = client.getKubernetesSerialization().asJson(binding);
    String base = client.getMasterUrl().toString();
    if (!base.endsWith("/")) {
      base += "/";
    }
    URI uri = URI.create(base + "api/v1/namespaces/" + enc(ns) + "/pods/" + enc(name) + "/binding");
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder().uri(uri).post("application/json", body).build();
    HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    if (response.code() != 201 && response.code() != 200) {
      throw new IOException(
          "binding "
              + ns
              + "/"
              + name
              + " to "
              + nodeName
              + ": HTTP "
              + response.code()
              + " "
              + response.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
