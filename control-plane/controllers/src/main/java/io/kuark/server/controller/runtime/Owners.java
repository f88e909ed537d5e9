package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Helpers for controller owner references. */
public final class Owners {
  private Owners() {}

  /** The owner reference with {@code controller: true}, or null. */
  public static OwnerReference controllerOf(HasMetadata obj) {
    if (obj.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference ref : obj.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(ref.getController())) {
        return ref;
      }
    }
    return null;
  }

  /** True when {@code obj} is controlled by the object with {@code uid}. */
  public static boolean isControlledBy(HasMetadata obj, String uid) {
    OwnerReference ref = controllerOf(obj);
    return ref != null && uid != null && uid.equals(ref.getUid());
  }

  /** A controller reference to {@code owner} that blocks the owner's foreground deletion. */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
