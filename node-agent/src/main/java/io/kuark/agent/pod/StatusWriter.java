package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kuark.agent.PatchTargets;
import java.util.Set;

/** Writes pod status through the API's status subresource and deletes finished pods. */
public final class StatusWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> OWNED_CONDITIONS =
      Set.of(
          "PodScheduled", "Initialized", "ContainersReady", "Ready", "PodReadyToStartContainers");

  private final KubernetesClient client;
  private final PodObserver observer;

  public StatusWriter(KubernetesClient client) {
    this(client, PodObserver.NONE);
  }

  /** Reports every written status (and pod syncs, through {@link #observer()}) to observer. */
  public StatusWriter(KubernetesClient client, PodObserver observer) {
    this.client = client;
    this.observer = observer;
  }

  /** Where pod handling reports for metrics. */
  public PodObserver observer() {
    return observer;
  }

  /**
   * Replaces the pod's status through {@code pods/status} with a JSON patch ({@code add /status}
   * replaces the whole member, so lists never merge). Conditions of types the agent does not own
   * (readiness gates, DisruptionTarget, ...) and {@code nominatedNodeName} are carried over from
   * the pod as the agent last saw it.
   */
  public void write(Pod pod, PodStatus status) {
    ObjectNode full = JSON.valueToTree(status);
    PodStatus current = pod.getStatus();
    if (current != null) {
      if (current.getNominatedNodeName() != null) {
        full.put("nominatedNodeName", current.getNominatedNodeName());
      }
      if (current.getConditions() != null) {
        ArrayNode conditions = full.withArray("conditions");
        java.util.Set<String> written = new java.util.HashSet<>();
        conditions.forEach(c -> written.add(c.path("type").asText()));
        for (PodCondition condition : current.getConditions()) {
          if (!OWNED_CONDITIONS.contains(condition.getType())
              && !written.contains(condition.getType())) {
            conditions.add(JSON.valueToTree(condition));
          }
        }
      }
    }
    ArrayNode patch = JSON.createArrayNode();
    ObjectNode op = patch.addObject();
    op.put("op", "add");
    op.put("path", "/status");
    op.set("value", full);
    // Through a stub, not withName(name): one round trip per status write (PatchTargets).
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(target(pod))
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.toString());
    observer.statusWritten(pod, status);
  }

  /** Just what names {@code pod} in a request (namespace, name, uid). */
  static Pod target(Pod pod) {
    ObjectMeta m = pod.getMetadata();
    return PatchTargets.named(new Pod(), m.getNamespace(), m.getName(), m.getUid());
  }

  /** Deletes the pod object immediately (its containers are gone). A missing pod is fine. */
  public void deleteNow(Pod pod) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
