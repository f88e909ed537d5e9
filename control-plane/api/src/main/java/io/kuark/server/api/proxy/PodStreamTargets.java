package io.kuark.server.api.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a pod stream subresource request ({@code log}, {@code exec}, {@code attach}, {@code
 * portforward}) to the node agent URL, as upstream's pod registry does: the container defaults to
 * the only one (or the {@code kubectl.kubernetes.io/default-container} annotation), the node is
 * addressed by its InternalIP and {@code status.daemonEndpoints.kubeletEndpoint.Port}. Blocks on
 * storage: call it on a worker thread.
 */
final class PodStreamTargets {

  /** The agent port when a node does not report one (upstream's kubelet default). */
  static final int DEFAULT_AGENT_PORT = 10250;

  static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

  private static final List<String> LOG_PARAMS =
      List.of(
          "follow",
          "previous",
          "timestamps",
          "sinceSeconds",
          "sinceTime",
          "tailLines",
          "limitBytes",
          "insecureSkipTLSVerifyBackend");
  private static final List<String> STREAM_FLAGS = List.of("stdin", "stdout", "stderr", "tty");

  private final ObjectStore store;
  private final ResourceType pods;
  private final ResourceType nodes;

  PodStreamTargets(ObjectStore store, ResourceCatalog catalog) {
    this.store = store;
    this.pods = catalog.find("", "v1", "pods").orElseThrow();
    this.nodes = catalog.find("", "v1", "nodes").orElseThrow();
  }

  /**
   * The agent URL for {@code subresource} of pod {@code namespace/name}; empty for a log request of
   * a pod not yet bound to a node (upstream answers those with an empty body).
   *
   * @throws io.kuark.server.api.http.ApiException 404 for a missing pod or node, 400 for a bad
   *     container or an unbound pod (exec, attach, portforward), 500 for a node without InternalIP
   */
  Optional<KubeletTarget> resolve(
      String subresource, String namespace, String name, MultiMap query) {
    JsonNode pod = store.require(pods, namespace, name).object();
    String nodeName = pod.path("spec").path("nodeName").asText("");
    String path;
    switch (subresource) {
      case "log":
        {
          String container = container(pod, name, query.get("container"));
          if (nodeName.isEmpty()) {
            return Optional.empty();
          }
          path = "/containerLogs/" + seg(namespace) + "/" + seg(name) + "/" + seg(container);
          path += query(query, LOG_PARAMS, List.of());
          break;
        }
      case "exec":
      case "attach":
        {
          String container = container(pod, name, query.get("container"));
          if (!flag(query, "stdin") && !flag(query, "stdout") && !flag(query, "stderr")) {
            throw Statuses.badRequest("you must specify at least 1 of stdin, stdout, stderr");
          }
          requireNode(nodeName, name);
          path = "/" + subresource + "/" + seg(namespace) + "/" + seg(name) + "/" + seg(container);
          path +=
              query(
                  query, subresource.equals("exec") ? List.of("command") : List.of(), STREAM_FLAGS);
          break;
        }
      case "portforward":
        requireNode(nodeName, name);
        path =
            "/portForward/"
                + seg(namespace)
                + "/"
                + seg(name)
                + query(query, List.of("port"), List.of());
        break;
      default:
        throw Statuses.notFoundPath();
    }
    JsonNode node =
        store
            .get(nodes, "", nodeName)
            .orElseThrow(() -> Statuses.notFound(nodes, nodeName))
            .object();
    return Optional.of(new KubeletTarget(internalIp(node), agentPort(node), path));
  }

  private static void requireNode(String nodeName, String pod) {
    if (nodeName.isEmpty()) {
      throw Statuses.badRequest("pod " + pod + " does not have a host assigned");
    }
  }

  /** The requested container, checked against the pod, or the default one. */
  static String container(JsonNode pod, String podName, String requested) {
    List<String> all = new ArrayList<>();
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(kind)) {
        all.add(c.path("name").asText());
      }
    }
    if (requested != null && !requested.isEmpty()) {
      if (!all.contains(requested)) {
        throw Statuses.badRequest("container " + requested + " is not valid for pod " + podName);
      }
      return requested;
    }
    JsonNode containers = pod.path("spec").path("containers");
    if (containers.size() == 1) {
      return containers.get(0).path("name").asText();
    }
    String annotated =
        pod.path("metadata").path("annotations").path(DEFAULT_CONTAINER_ANNOTATION).asText("");
    if (!annotated.isEmpty() && all.contains(annotated)) {
      return annotated;
    }
    if (containers.isEmpty()) {
      throw Statuses.badRequest("a container name must be specified for pod " + podName);
    }
    throw Statuses.badRequest(
        "a container name must be specified for pod "
            + podName
            + ", choose one of: ["
            + String.join(" ", all)
            + "]");
  }

  static String internalIp(JsonNode node) {
    List<String> known = new ArrayList<>();
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals("InternalIP") && !a.path("address").asText().isEmpty()) {
        return a.path("address").asText();
      }
      known.add("{" + a.path("type").asText() + " " + a.path("address").asText() + "}");
    }
    throw Statuses.internal(
        "no preferred addresses found; known addresses: [" + String.join(" ", known) + "]");
  }

  static int agentPort(JsonNode node) {
    int port =
        node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
    return port > 0 && port < 65536 ? port : DEFAULT_AGENT_PORT;
  }

  /**
   * The forwarded query: {@code values} parameters as given (every value), {@code flags} as {@code
   * 1} when true, as upstream's registry re-encodes them (keys sorted, as Go encodes).
   */
  private static String query(MultiMap query, List<String> values, List<String> flags) {
    java.util.TreeMap<String, List<String>> params = new java.util.TreeMap<>();
    for (String name : values) {
      if (!query.getAll(name).isEmpty()) {
        params.put(name, query.getAll(name));
      }
    }
    for (String name : flags) {
      if (flag(query, name)) {
        params.put(name, List.of("1"));
      }
    }
    StringBuilder out = new StringBuilder();
    params.forEach(
        (name, all) -> {
          for (String v : all) {
            out.append(out.length() == 0 ? '?' : '&').append(name).append('=').append(enc(v));
          }
        });
    return out.toString();
  }

  private static boolean flag(MultiMap query, String name) {
    String v = query.get(name);
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  private static String seg(String s) {
    return enc(s).replace("+", "%20");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
