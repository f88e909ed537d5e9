package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes pods a workload controller owns, as upstream's pod control does for ReplicaSets,
 * DaemonSets and Jobs: the deletions are expected before the first request (so a sync that runs
 * before the informer sees them waits), each one is recorded as an event on the owner, and a pod
 * that is already gone counts as deleted.
 */
public final class PodDeletions {
  private final KubernetesClient client;
  private final Expectations expectations;
  private final EventRecorder events;

  public PodDeletions(KubernetesClient client, Expectations expectations, EventRecorder events) {
    this.client = client;
    this.expectations = expectations;
    this.events = events;
  }

  /**
   * Deletes {@code pods} of {@code owner}, whose queue key is {@code key}.
   *
   * @throws KubernetesClientException the first failure other than 404 (the pods after it are not
   *     attempted; the controller's retry does them)
   */
  public void delete(String key, HasMetadata owner, List<Pod> pods) {
    List<String> podKeys = new ArrayList<>();
    for (Pod p : pods) {
      podKeys.add(Keys.of(p));
    }
    expectations.expectDeletions(key, podKeys);
    for (Pod p : pods) {
      try {
        boolean deleted =
            !client
                .pods()
                .inNamespace(p.getMetadata().getNamespace())
                .withName(p.getMetadata().getName())
                .delete()
                .isEmpty();
        if (deleted) {
          events.normal(owner, "SuccessfulDelete", "Deleted pod: " + p.getMetadata().getName());
        } else {
          // Already gone (the client answers a 404 with nothing deleted): no deletion to observe.
          expectations.deletionObserved(key, Keys.of(p));
        }
      } catch (KubernetesClientException e) {
        expectations.deletionObserved(key, Keys.of(p));
        if (e.getCode() != 404) {
          events.warning(owner, "FailedDelete", "Error deleting: " + e.getMessage());
          throw e;
        }
      }
    }
  }
}
