package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.function.Function;

/**
 * Enqueues the owner a ControllerRevision event concerns (upstream's DaemonSet history handlers): a
 * revision controlled by an {@code ownerKind} enqueues that owner (for a released or deleted one
 * too, so it notices); an orphan enqueues every owner in its namespace whose selector matches it,
 * which may then adopt it.
 */
public final class RevisionHandler {
  private RevisionHandler() {}

  public static <T extends HasMetadata> ResourceEventHandler<ControllerRevision> of(
      String ownerKind,
      Lister<T> owners,
      Function<T, LabelSelector> selector,
      Controller controller) {
    return Handlers.of(
        r -> enqueue(r, ownerKind, owners, selector, controller),
        (old, r) -> {
          enqueueOwner(old, ownerKind, controller);
          enqueue(r, ownerKind, owners, selector, controller);
        },
        r -> enqueueOwner(r, ownerKind, controller));
  }

  private static <T extends HasMetadata> void enqueue(
      ControllerRevision r,
      String ownerKind,
      Lister<T> owners,
      Function<T, LabelSelector> selector,
      Controller controller) {
    if (Owners.controllerOf(r) != null) {
      enqueueOwner(r, ownerKind, controller);
      return;
    }
    String ns = r.getMetadata().getNamespace();
    for (T owner : owners.namespace(ns).list()) {
      if (Selectors.matches(selector.apply(owner), r.getMetadata().getLabels())) {
        controller.enqueue(Keys.of(owner));
      }
    }
  }

  private static void enqueueOwner(ControllerRevision r, String ownerKind, Controller controller) {
    OwnerReference ref = Owners.controllerOf(r);
    if (ref != null && ownerKind.equals(ref.getKind())) {
      controller.enqueue(Keys.of(r.getMetadata().getNamespace(), ref.getName()));
    }
  }
}
