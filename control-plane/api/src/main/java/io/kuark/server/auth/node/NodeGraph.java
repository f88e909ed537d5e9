package io.kuark.server.auth.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Which objects a node may read because pods bound to it use them (upstream's node authorizer
 * graph), answered from the per-node pod index ({@link NodePodIndex}) and in-memory claims: each
 * check looks only at the pods of the asking node. A pod counts while it is bound to the node, also
 * while it is being deleted (its agent still tears it down).
 */
public final class NodeGraph {

  private final NodePodIndex pods;
  private final BiFunction<String, String, JsonNode> claim;

  /**
   * @param pods pods by node
   * @param claim one PersistentVolumeClaim by namespace and name, or null
   */
  public NodeGraph(NodePodIndex pods, BiFunction<String, String, JsonNode> claim) {
    this.pods = pods;
    this.claim = claim;
  }

  /** Whether pod {@code namespace/name} is bound to {@code node}. */
  public boolean podOnNode(String node, String namespace, String name) {
    JsonNode p = pods.pod(namespace, name);
    return p != null && node.equals(p.path("spec").path("nodeName").asText());
  }

  public boolean usesSecret(String node, String namespace, String name) {
    return uses(node, namespace, e -> e.secrets().contains(name));
  }

  public boolean usesConfigMap(String node, String namespace, String name) {
    return uses(node, namespace, e -> e.configMaps().contains(name));
  }

  public boolean usesClaim(String node, String namespace, String name) {
    return uses(node, namespace, e -> e.claims().contains(name));
  }

  public boolean usesServiceAccount(String node, String namespace, String name) {
    return uses(node, namespace, e -> e.serviceAccount().equals(name));
  }

  /** Whether a claim used by the node's pods is bound to the PersistentVolume {@code name}. */
  public boolean usesVolume(String node, String name) {
    for (NodePodIndex.Entry e : pods.podsOn(node)) {
      for (String c : e.claims()) {
        JsonNode found = claim.apply(e.namespace(), c);
        if (found != null
            && name.equals(found.path("spec").path("volumeName").asText())
            && pods.stillOn(node, e)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean uses(String node, String namespace, Predicate<NodePodIndex.Entry> refers) {
    for (NodePodIndex.Entry e : pods.podsOn(node)) {
      if (e.namespace().equals(namespace) && refers.test(e) && pods.stillOn(node, e)) {
        return true;
      }
    }
    return false;
  }
}
