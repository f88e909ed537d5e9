package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * Pod events for controllers that own pods directly (Job, DaemonSet): every change to a pod
 * controlled by a {@code ownerKind} object enqueues that owner's key and records what the owner's
 * expectations were waiting for (a creation seen, a deletion seen).
 */
public final class OwnedPodHandler {
  private OwnedPodHandler() {}

  public static ResourceEventHandler<Pod> of(
      String ownerKind, Expectations expectations, Controller controller) {
    return Handlers.of(
        p -> {
          String key = ownerKey(p, ownerKind);
          if (key != null) {
            expectations.creationObserved(key);
            controller.enqueue(key);
          }
        },
        (o, p) -> {
          String key = ownerKey(p, ownerKind);
          if (key != null) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
              expectations.deletionObserved(key, Keys.of(p));
            }
            controller.enqueue(key);
          }
        },
        p -> {
          String key = ownerKey(p, ownerKind);
          if (key != null) {
            expectations.deletionObserved(key, Keys.of(p));
            controller.enqueue(key);
          }
        });
  }

  /** The namespace/name key of the {@code ownerKind} controlling {@code pod}, or null. */
  public static String ownerKey(Pod pod, String ownerKind) {
    OwnerReference ref = Owners.controllerOf(pod);
    return ref == null || !ownerKind.equals(ref.getKind())
        ? null
        : Keys.of(pod.getMetadata().getNamespace(), ref.getName());
  }
}
