package io.kuark.server.auth.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The pods bound to each node, with the Secrets, ConfigMaps, claims and ServiceAccount each one
 * refers to, kept up to date from the pod informer ({@link #changed}), so that a node authorizer
 * check costs O(pods on that node) instead of a scan of every pod. Answers are confirmed against
 * the live pod before they allow anything, so an entry left behind (a pod deleted while the watch
 * was being re-established) can never grant access.
 */
public final class NodePodIndex {

  /** What a bound pod refers to in its namespace. */
  record Entry(
      String namespace,
      String name,
      Set<String> secrets,
      Set<String> configMaps,
      Set<String> claims,
      String serviceAccount) {}

  private final BiFunction<String, String, JsonNode> livePod;
  private final Map<String, Map<String, Entry>> byNode = new ConcurrentHashMap<>();
  private final Map<String, String> nodeOfPod = new ConcurrentHashMap<>();

  /**
   * @param livePod the informer's current pod by namespace and name, or null
   */
  public NodePodIndex(BiFunction<String, String, JsonNode> livePod) {
    this.livePod = livePod;
  }

  /**
   * Re-indexes pod {@code namespace/name} from its current state in the informer (after an add,
   * change or delete, and for every pod after a listing).
   */
  public synchronized void changed(String namespace, String name) {
    String key = namespace + "/" + name;
    String before = nodeOfPod.remove(key);
    if (before != null) {
      Map<String, Entry> pods = byNode.get(before);
      if (pods != null) {
        pods.remove(key);
        if (pods.isEmpty()) {
          byNode.remove(before);
        }
      }
    }
    JsonNode pod = livePod.apply(namespace, name);
    String node = pod == null ? "" : pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty()) {
      return;
    }
    Entry entry =
        new Entry(
            namespace,
            name,
            Set.copyOf(PodReferences.secrets(pod)),
            Set.copyOf(PodReferences.configMaps(pod)),
            Set.copyOf(PodReferences.claims(pod)),
            PodReferences.serviceAccount(pod));
    byNode.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(key, entry);
    nodeOfPod.put(key, node);
  }

  /** The indexed pods of {@code node}. */
  Collection<Entry> podsOn(String node) {
    Map<String, Entry> pods = byNode.get(node);
    return pods == null ? List.of() : pods.values();
  }

  /** Whether {@code entry}'s pod is, right now, bound to {@code node}. */
  boolean stillOn(String node, Entry entry) {
    JsonNode pod = livePod.apply(entry.namespace(), entry.name());
    return pod != null && node.equals(pod.path("spec").path("nodeName").asText());
  }

  /** The live pod, or null. */
  JsonNode pod(String namespace, String name) {
    return livePod.apply(namespace, name);
  }
}
