package io.kuark.agent.pod;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Writes pod status through the API's status subresource and deletes finished pods. */
public final class StatusWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Replaces the fields the agent owns with a JSON merge patch on {@code pods/status}: lists
   * (conditions, container statuses) are replaced whole.
   */
  public void write(Pod pod, PodStatus status) {
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", JSON.valueToTree(status));
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
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
