package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

/**
 * Asks the API's discovery whether it serves a core/v1 resource, so the scheduler only watches what
 * exists. An informer of a resource the API does not serve never finishes its first list, and the
 * scheduler's start waits for every informer's first list: one such informer held every pending pod
 * back for the whole bounded wait (30 s) after each leadership start, without a FailedScheduling
 * event.
 */
final class ServedResources {
  private static final Logger LOG = Logger.getLogger(ServedResources.class);

  private ServedResources() {}

  /**
   * True when {@code /api/v1} lists {@code plural}. When discovery fails the answer is false: the
   * resources asked about here only refine scoring, while waiting for a list that never comes
   * stalls all scheduling.
   */
  static boolean coreV1(KubernetesClient client, String plural) {
    try {
      APIResourceList list = client.getApiResources("v1");
      if (list == null || list.getResources() == null) {
        return false;
      }
      for (APIResource r : list.getResources()) {
        if (plural.equals(r.getName())) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      LOG.debugf("discovery of v1 %s failed: %s", plural, e.toString());
      return false;
    }
  }
}
