package io.kuark.server.auth.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Which objects a node may read because pods bound to it use them (upstream's node authorizer
 * graph), answered from in-memory pods and claims. A pod counts while it is bound to the node, also
 * while it is being deleted (its agent still tears it down).
 */
public final class NodeGraph {

  private final Supplier<Collection<? extends JsonNode>> pods;
  private final Supplier<Collection<? extends JsonNode>> claims;
  private final BiFunction<String, String, JsonNode> pod;

  /**
   * @param pods every pod (a live in-memory view)
   * @param claims every PersistentVolumeClaim
   * @param pod one pod by namespace and name, or null
   */
  public NodeGraph(
      Supplier<Collection<? extends JsonNode>> pods,
      Supplier<Collection<? extends JsonNode>> claims,
      BiFunction<String, String, JsonNode> pod) {
    this.pods = pods;
    this.claims = claims;
    this.pod = pod;
  }

  /** Whether pod {@code namespace/name} is bound to {@code node}. */
  public boolean podOnNode(String node, String namespace, String name) {
    JsonNode p = pod.apply(namespace, name);
    return p != null && node.equals(p.path("spec").path("nodeName").asText());
  }

  public boolean usesSecret(String node, String namespace, String name) {
    for (JsonNode p : podsOf(node, namespace)) {
      if (PodReferences.secrets(p).contains(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean usesConfigMap(String node, String namespace, String name) {
    for (JsonNode p : podsOf(node, namespace)) {
      if (PodReferences.configMaps(p).contains(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean usesClaim(String node, String namespace, String name) {
    for (JsonNode p : podsOf(node, namespace)) {
      if (PodReferences.claims(p).contains(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean usesServiceAccount(String node, String namespace, String name) {
    for (JsonNode p : podsOf(node, namespace)) {
      if (PodReferences.serviceAccount(p).equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a claim used by the node's pods is bound to the PersistentVolume {@code name}. */
  public boolean usesVolume(String node, String name) {
    for (JsonNode c : claims.get()) {
      if (name.equals(c.path("spec").path("volumeName").asText())
          && usesClaim(
              node,
              c.path("metadata").path("namespace").asText(),
              c.path("metadata").path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private java.util.List<JsonNode> podsOf(String node, String namespace) {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode p : pods.get()) {
      if (node.equals(p.path("spec").path("nodeName").asText())
          && namespace.equals(p.path("metadata").path("namespace").asText())) {
        out.add(p);
      }
    }
    return out;
  }
}
