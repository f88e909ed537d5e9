package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Upstream's ControllerRefManager for pods and ControllerRevisions: a controller owns the objects
 * whose controller reference names it and that still match its selector; it adopts matching orphans
 * (unless it or the object is being deleted) and releases owned objects that no longer match.
 * Writes are updates on the cached resourceVersion, so a concurrent change makes the sync retry
 * instead of clobbering it.
 */
public final class ControllerRefManager {
  private final KubernetesClient client;

  public ControllerRefManager(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The pods of {@code candidates} that {@code owner} controls after adopting and releasing.
   *
   * @param ownerRef the controller reference adopted pods get
   * @param stillOwner re-reads the owner from the API before the first adoption, as upstream's
   *     "canAdopt" check; returns null (or a different uid / a deleted owner) to forbid adoption
   */
  public List<Pod> claimPods(
      HasMetadata owner,
      LabelSelector selector,
      List<Pod> candidates,
      OwnerReference ownerRef,
      Supplier<HasMetadata> stillOwner) {
    return claimPods(owner, selector, p -> true, candidates, ownerRef, stillOwner);
  }

  /**
   * As above where a pod matches only when it also passes {@code filter} (StatefulSet: the pod's
   * name must be {@code <set>-<ordinal>}).
   */
  public List<Pod> claimPods(
      HasMetadata owner,
      LabelSelector selector,
      Predicate<Pod> filter,
      List<Pod> candidates,
      OwnerReference ownerRef,
      Supplier<HasMetadata> stillOwner) {
    return claim(owner, selector, filter, candidates, ownerRef, stillOwner);
  }

  /**
   * The ControllerRevisions of {@code candidates} that {@code owner} (a DaemonSet or StatefulSet)
   * controls after adopting orphans whose labels match its selector and releasing owned ones that
   * no longer match, as upstream's ClaimControllerRevisions.
   */
  public List<ControllerRevision> claimRevisions(
      HasMetadata owner,
      LabelSelector selector,
      List<ControllerRevision> candidates,
      OwnerReference ownerRef,
      Supplier<HasMetadata> stillOwner) {
    return claim(owner, selector, r -> true, candidates, ownerRef, stillOwner);
  }

  private <T extends HasMetadata> List<T> claim(
      HasMetadata owner,
      LabelSelector selector,
      Predicate<T> filter,
      List<T> candidates,
      OwnerReference ownerRef,
      Supplier<HasMetadata> stillOwner) {
    String uid = owner.getMetadata().getUid();
    boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
    Boolean canAdopt = null;
    List<T> owned = new ArrayList<>();
    for (T obj : candidates) {
      boolean matches =
          Selectors.matches(selector, obj.getMetadata().getLabels()) && filter.test(obj);
      OwnerReference ref = Owners.controllerOf(obj);
      if (ref != null) {
        if (!Objects.equals(ref.getUid(), uid)) {
          continue;
        }
        if (matches || ownerDeleting) {
          owned.add(obj);
        } else {
          release(obj, uid);
        }
        continue;
      }
      if (!matches || ownerDeleting || obj.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (canAdopt == null) {
        HasMetadata fresh = stillOwner.get();
        canAdopt =
            fresh != null
                && uid.equals(fresh.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
      }
      if (!canAdopt) {
        continue;
      }
      T adopted = adopt(obj, ownerRef);
      if (adopted != null) {
        owned.add(adopted);
      }
    }
    return owned;
  }

  private <T extends HasMetadata> T adopt(T obj, OwnerReference ownerRef) {
    T copy = client.getKubernetesSerialization().clone(obj);
    List<OwnerReference> refs =
        copy.getMetadata().getOwnerReferences() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getMetadata().getOwnerReferences());
    refs.add(ownerRef);
    copy.getMetadata().setOwnerReferences(refs);
    try {
      return client.resource(copy).inNamespace(obj.getMetadata().getNamespace()).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null; // gone meanwhile: nothing to adopt
      }
      throw e;
    }
  }

  private <T extends HasMetadata> void release(T obj, String ownerUid) {
    T copy = client.getKubernetesSerialization().clone(obj);
    List<OwnerReference> refs = new ArrayList<>();
    for (OwnerReference r : copy.getMetadata().getOwnerReferences()) {
      if (!ownerUid.equals(r.getUid())) {
        refs.add(r);
      }
    }
    copy.getMetadata().setOwnerReferences(refs);
    try {
      client.resource(copy).inNamespace(obj.getMetadata().getNamespace()).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
