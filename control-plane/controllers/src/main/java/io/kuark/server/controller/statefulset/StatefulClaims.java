package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates the PersistentVolumeClaims of a StatefulSet's pods before the pods, and keeps the owner
 * references that implement {@code persistentVolumeClaimRetentionPolicy}: a claim owned by the set
 * goes with the set ({@code whenDeleted: Delete}); a claim of a condemned pod owned by that pod
 * goes with the pod ({@code whenScaled: Delete}); the garbage collector does the deleting.
 */
final class StatefulClaims {
  private final KubernetesClient client;
  private final Lister<PersistentVolumeClaim> claims;
  private final EventRecorder events;

  StatefulClaims(
      KubernetesClient client, Lister<PersistentVolumeClaim> claims, EventRecorder events) {
    this.client = client;
    this.claims = claims;
    this.events = events;
  }

  /**
   * Creates the missing claims of the pod at {@code ordinal}. Throws while a claim of the same name
   * is still being deleted (the pod must not start on a dying volume).
   */
  void ensure(StatefulSet set, int ordinal) {
    String ns = set.getMetadata().getNamespace();
    String podName = StatefulPods.podName(set, ordinal);
    for (PersistentVolumeClaim want :
        StatefulPods.claims(client.getKubernetesSerialization(), set, ordinal)) {
      String name = want.getMetadata().getName();
      PersistentVolumeClaim have = claims.namespace(ns).get(name);
      if (have == null) {
        have = client.persistentVolumeClaims().inNamespace(ns).withName(name).get();
      }
      if (have != null) {
        if (have.getMetadata().getDeletionTimestamp() != null) {
          throw new IllegalStateException(
              "pvc " + name + " is being deleted, cannot create pod " + podName);
        }
        continue;
      }
      want.getMetadata().setOwnerReferences(wantedRefs(set, null, false, List.of()));
      try {
        client.persistentVolumeClaims().inNamespace(ns).resource(want).create();
        events.normal(
            set,
            "SuccessfulCreate",
            "create Claim "
                + name
                + " Pod "
                + podName
                + " in StatefulSet "
                + set.getMetadata().getName()
                + " success");
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          events.warning(
              set,
              "FailedCreate",
              "create Claim "
                  + name
                  + " for Pod "
                  + podName
                  + " in StatefulSet "
                  + set.getMetadata().getName()
                  + " failed error: "
                  + e.getMessage());
          throw e;
        }
      }
    }
  }

  /**
   * Brings the owner references of the claims of {@code pod} (at {@code ordinal}) in line with the
   * retention policy; {@code condemned} is true when the ordinal is being scaled away.
   */
  void applyRetention(StatefulSet set, Pod pod, int ordinal, boolean condemned) {
    String ns = set.getMetadata().getNamespace();
    for (PersistentVolumeClaim want :
        StatefulPods.claims(client.getKubernetesSerialization(), set, ordinal)) {
      PersistentVolumeClaim have = claims.namespace(ns).get(want.getMetadata().getName());
      if (have == null || have.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      List<OwnerReference> current =
          have.getMetadata().getOwnerReferences() == null
              ? List.of()
              : have.getMetadata().getOwnerReferences();
      List<OwnerReference> wanted = wantedRefs(set, pod, condemned, current);
      if (sameOwners(current, wanted)) {
        continue;
      }
      client
          .persistentVolumeClaims()
          .inNamespace(ns)
          .withName(have.getMetadata().getName())
          .edit(
              c -> {
                c.getMetadata()
                    .setOwnerReferences(
                        wantedRefs(set, pod, condemned, c.getMetadata().getOwnerReferences()));
                return c;
              });
    }
  }

  /** {@code existing} without refs to the set or the pod, plus those the policy asks for. */
  static List<OwnerReference> wantedRefs(
      StatefulSet set, Pod pod, boolean condemned, List<OwnerReference> existing) {
    String setUid = set.getMetadata().getUid();
    String podUid = pod == null ? null : pod.getMetadata().getUid();
    List<OwnerReference> out = new ArrayList<>();
    if (existing != null) {
      for (OwnerReference r : existing) {
        boolean ours = Objects.equals(r.getUid(), setUid) || Objects.equals(r.getUid(), podUid);
        if (!ours) {
          out.add(r);
        }
      }
    }
    StatefulSetPersistentVolumeClaimRetentionPolicy policy =
        set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    boolean deleteWithSet = policy != null && "Delete".equals(policy.getWhenDeleted());
    boolean deleteWhenScaled = policy != null && "Delete".equals(policy.getWhenScaled());
    if (condemned && deleteWhenScaled && pod != null) {
      out.add(
          StatefulPods.retentionRef(
              pod, HasMetadata.getApiVersion(Pod.class), HasMetadata.getKind(Pod.class)));
    } else if (deleteWithSet) {
      out.add(
          StatefulPods.retentionRef(
              set,
              HasMetadata.getApiVersion(StatefulSet.class),
              HasMetadata.getKind(StatefulSet.class)));
    }
    return out;
  }

  private static boolean sameOwners(List<OwnerReference> a, List<OwnerReference> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (OwnerReference x : a) {
      boolean found = false;
      for (OwnerReference y : b) {
        if (Objects.equals(x.getUid(), y.getUid())) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
