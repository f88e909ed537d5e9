package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.List;
import java.util.function.Function;

/**
 * Pod events for controllers that own pods directly (Job, DaemonSet, StatefulSet): every change to
 * a pod controlled by a {@code ownerKind} object enqueues that owner's key and records what the
 * owner's expectations were waiting for (a creation seen, a deletion seen).
 */
public final class OwnedPodHandler {
  private OwnedPodHandler() {}

  public static ResourceEventHandler<Pod> of(
      String ownerKind, Expectations expectations, Controller controller) {
    return of(ownerKind, expectations, controller, p -> List.of());
  }

  /**
   * As above, and orphan pods (no controller, not being deleted) enqueue the owners {@code
   * matching} names (keys of owners whose selector matches the pod: they may adopt it); a pod whose
   * controller changed (released) enqueues its former owner too.
   */
  public static ResourceEventHandler<Pod> of(
      String ownerKind,
      Expectations expectations,
      Controller controller,
      Function<Pod, List<String>> matching) {
    return Handlers.of(
        p -> {
          String key = ownerKey(p, ownerKind);
          if (key != null) {
            expectations.creationObserved(key);
            controller.enqueue(key);
          } else {
            enqueueOrphan(p, matching, controller);
          }
        },
        (o, p) -> {
          String key = ownerKey(p, ownerKind);
          String oldKey = ownerKey(o, ownerKind);
          if (oldKey != null && !oldKey.equals(key)) {
            controller.enqueue(oldKey);
          }
          if (key == null) {
            enqueueOrphan(p, matching, controller);
          }
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

  private static void enqueueOrphan(
      Pod pod, Function<Pod, List<String>> matching, Controller controller) {
    if (Owners.controllerOf(pod) != null || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    for (String key : matching.apply(pod)) {
      controller.enqueue(key);
    }
  }

  /**
   * Keys of the objects in {@code lister} (in the pod's namespace) whose selector matches the pod's
   * labels.
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<String> matchingOwners(
      io.fabric8.kubernetes.client.informers.cache.Lister<T> lister,
      Pod pod,
      Function<T, io.fabric8.kubernetes.api.model.LabelSelector> selector) {
    List<String> out = new java.util.ArrayList<>();
    for (T owner : lister.namespace(pod.getMetadata().getNamespace()).list()) {
      if (Selectors.matches(selector.apply(owner), pod.getMetadata().getLabels())) {
        out.add(Keys.of(owner));
      }
    }
    return out;
  }

  /** The namespace/name key of the {@code ownerKind} controlling {@code pod}, or null. */
  public static String ownerKey(Pod pod, String ownerKind) {
    OwnerReference ref = Owners.controllerOf(pod);
    return ref == null || !ownerKind.equals(ref.getKind())
        ? null
        : Keys.of(pod.getMetadata().getNamespace(), ref.getName());
  }
}
