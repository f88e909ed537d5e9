package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kuark.server.controller.runtime.Owners;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ControllerRevisions of a StatefulSet: each stores the pod template as a patch ({@code
 * {"spec":{"template":{...,"$patch":"replace"}}}}, as upstream, so {@code kubectl rollout
 * history/undo} read them), named {@code <set>-<hash>} where the hash covers the template and the
 * collision count.
 */
final class StatefulSetRevisions {
  static final String HASH_LABEL = "controller.kubernetes.io/hash";
  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesClient client;
  private final KubernetesSerialization json;

  StatefulSetRevisions(KubernetesClient client) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
  }

  /** The revision data of {@code set}'s current template. */
  @SuppressWarnings("unchecked")
  Map<String, Object> patchOf(StatefulSet set) {
    Map<String, Object> template =
        (Map<String, Object>) json.convertValue(set.getSpec().getTemplate(), Map.class);
    template.put("$patch", "replace");
    Map<String, Object> spec = new HashMap<>();
    spec.put("template", template);
    Map<String, Object> data = new HashMap<>();
    data.put("spec", spec);
    return data;
  }

  /** The pod template stored in {@code revision}. */
  @SuppressWarnings("unchecked")
  PodTemplateSpec templateOf(ControllerRevision revision) {
    Map<String, Object> data =
        (Map<String, Object>) json.convertValue(revision.getData(), Map.class);
    Map<String, Object> spec = (Map<String, Object>) data.get("spec");
    Map<String, Object> template = new HashMap<>((Map<String, Object>) spec.get("template"));
    template.remove("$patch");
    return json.convertValue(template, PodTemplateSpec.class);
  }

  /** Upstream-style hash: FNV-32a over the data and the collision count, in a safe alphabet. */
  String hash(Map<String, Object> data, int collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = json.asJson(new java.util.TreeMap<>(data)).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= 0x01000193;
    }
    if (collisionCount > 0) {
      for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
        h ^= (b & 0xff);
        h *= 0x01000193;
      }
    }
    String hex = Integer.toUnsignedString(h);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i++) {
      out.append(SAFE_ALPHABET.charAt(hex.charAt(i) % SAFE_ALPHABET.length()));
    }
    return out.toString();
  }

  /**
   * True when {@code revision} stores the same pod template as {@code data}. Both sides go through
   * the typed model first, so a server that normalises stored JSON (empty objects, defaults kept or
   * pruned) does not make an unchanged template look new on every sync.
   */
  boolean sameData(ControllerRevision revision, Map<String, Object> data) {
    try {
      ControllerRevision other = new ControllerRevision();
      other.setData(data);
      return Objects.equals(
          json.convertValue(templateOf(revision), Object.class),
          json.convertValue(templateOf(other), Object.class));
    } catch (RuntimeException e) {
      return false; // not a StatefulSet revision we can read
    }
  }

  /** The result of {@link #ensureUpdateRevision}. */
  record Update(ControllerRevision revision, int collisionCount) {}

  /**
   * Finds or creates the revision of {@code set}'s current template among {@code existing}. An
   * equal revision that is not the newest is renumbered to be the newest (a rollback). A name clash
   * with different data bumps the collision count.
   */
  Update ensureUpdateRevision(StatefulSet set, List<ControllerRevision> existing) {
    Map<String, Object> data = patchOf(set);
    long next = 1;
    ControllerRevision equal = null;
    for (ControllerRevision r : existing) {
      next = Math.max(next, r.getRevision() + 1);
      if (sameData(r, data) && (equal == null || r.getRevision() > equal.getRevision())) {
        equal = r;
      }
    }
    int collisions =
        set.getStatus() == null || set.getStatus().getCollisionCount() == null
            ? 0
            : set.getStatus().getCollisionCount();
    if (equal != null) {
      if (equal.getRevision() == next - 1) {
        return new Update(equal, collisions);
      }
      ControllerRevision bumped = json.clone(equal);
      bumped.setRevision(next);
      return new Update(
          client
              .apps()
              .controllerRevisions()
              .inNamespace(set.getMetadata().getNamespace())
              .resource(bumped)
              .update(),
          collisions);
    }
    while (true) {
      ControllerRevision r = newRevision(set, data, next, collisions);
      try {
        return new Update(
            client
                .apps()
                .controllerRevisions()
                .inNamespace(set.getMetadata().getNamespace())
                .resource(r)
                .create(),
            collisions);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        ControllerRevision clash =
            client
                .apps()
                .controllerRevisions()
                .inNamespace(set.getMetadata().getNamespace())
                .withName(r.getMetadata().getName())
                .get();
        if (clash != null
            && sameData(clash, data)
            && Owners.isControlledBy(clash, set.getMetadata().getUid())) {
          return new Update(clash, collisions);
        }
        collisions++;
      }
    }
  }

  private ControllerRevision newRevision(
      StatefulSet set, Map<String, Object> data, long number, int collisions) {
    String hash = hash(data, collisions);
    Map<String, String> labels = new HashMap<>();
    if (set.getSpec().getTemplate().getMetadata() != null
        && set.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(set.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(HASH_LABEL, hash);
    ControllerRevision r = new ControllerRevision();
    r.setApiVersion("apps/v1");
    r.setKind("ControllerRevision");
    ObjectMeta meta = new ObjectMeta();
    meta.setName(set.getMetadata().getName() + "-" + hash);
    meta.setNamespace(set.getMetadata().getNamespace());
    meta.setLabels(labels);
    meta.setOwnerReferences(List.of(StatefulPods.controllerRef(set)));
    r.setMetadata(meta);
    r.setData(data);
    r.setRevision(number);
    return r;
  }

  /**
   * Deletes the oldest revisions beyond {@code spec.revisionHistoryLimit} (default 10) that no pod
   * and neither the current nor the update revision uses.
   */
  void truncateHistory(StatefulSet set, List<ControllerRevision> revisions, Set<String> live) {
    int limit =
        set.getSpec().getRevisionHistoryLimit() == null
            ? 10
            : set.getSpec().getRevisionHistoryLimit();
    List<ControllerRevision> history = new ArrayList<>();
    for (ControllerRevision r : revisions) {
      if (!live.contains(r.getMetadata().getName())) {
        history.add(r);
      }
    }
    if (history.size() <= limit) {
      return;
    }
    history.sort(Comparator.comparingLong(ControllerRevision::getRevision));
    for (ControllerRevision r : history.subList(0, history.size() - limit)) {
      try {
        client
            .apps()
            .controllerRevisions()
            .inNamespace(r.getMetadata().getNamespace())
            .withName(r.getMetadata().getName())
            .delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }
}
