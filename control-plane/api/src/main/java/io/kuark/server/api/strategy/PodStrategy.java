package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;
import java.time.Instant;

/**
 * Pods: a new pod is Pending; deleting a pod that is bound to a node (and not yet terminal) only
 * marks it (deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace) and the node's
 * agent removes it with a grace-0 delete once its containers are gone, as with upstream's kubelet.
 * Unbound or terminated pods are removed at once.
 */
final class PodStrategy implements ResourceStrategy {

  static final long DEFAULT_GRACE = 30;

  @Override
  public void prepareForCreate(ObjectNode pod) {
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Pending");
    status.put("qosClass", qosClass(pod));
  }

  @Override
  public ObjectNode gracefulDeletion(ObjectNode current, DeleteOptions options) {
    long grace =
        options.gracePeriodSeconds() != null
            ? options.gracePeriodSeconds()
            : current.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_GRACE);
    if (grace < 0) {
      grace = 0;
    }
    String nodeName = current.path("spec").path("nodeName").asText("");
    String phase = current.path("status").path("phase").asText("");
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    if (nodeName.isEmpty() || terminal) {
      // No kubelet will act on it: remove at once (upstream sets grace 0 for these).
      return null;
    }
    if (grace == 0) {
      return null;
    }
    ObjectNode meta = Meta.metadata(current);
    JsonNode existing = meta.get("deletionGracePeriodSeconds");
    if (existing != null && existing.asLong() <= grace) {
      // Already marked with the same or a shorter grace period: nothing to shorten.
      return current;
    }
    ObjectNode marked = current.deepCopy();
    ObjectNode markedMeta = Meta.metadata(marked);
    markedMeta.put("deletionTimestamp", Meta.format(Instant.now().plusSeconds(grace)));
    markedMeta.put("deletionGracePeriodSeconds", grace);
    return marked;
  }

  @Override
  public boolean removableAfterFinalizers(ObjectNode pod) {
    String nodeName = pod.path("spec").path("nodeName").asText("");
    String phase = pod.path("status").path("phase").asText("");
    long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(0);
    return nodeName.isEmpty() || grace == 0 || phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** Upstream's QoS class from the containers' requests and limits. */
  static String qosClass(ObjectNode pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : pod.path("spec").path(list)) {
        JsonNode requests = c.path("resources").path("requests");
        JsonNode limits = c.path("resources").path("limits");
        for (String r : new String[] {"cpu", "memory"}) {
          JsonNode limit = limits.get(r);
          JsonNode request = requests.get(r);
          if (limit != null || request != null) {
            any = true;
          }
          if (limit == null || (request != null && !request.asText().equals(limit.asText()))) {
            guaranteed = false;
          }
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }
}
