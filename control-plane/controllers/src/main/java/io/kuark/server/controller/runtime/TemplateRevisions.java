package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ControllerRevisions of a StatefulSet or DaemonSet (upstream's controller history): each
 * stores the pod template as a patch ({@code {"spec":{"template":{...,"$patch":"replace"}}}}, as
 * upstream, so {@code kubectl rollout history/undo} read them), named {@code <owner>-<hash>} where
 * the hash covers the template and the collision count.
 */
public final class TemplateRevisions {
  public static final String HASH_LABEL = "controller.kubernetes.io/hash";
  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  /**
   * What the history needs of its owner: the object, its current pod template, {@code
   * status.collisionCount}, {@code spec.revisionHistoryLimit} (null: 10), its controller reference,
   * and extra labels for new revisions (a DaemonSet's {@code controller-revision-hash}).
   */
  public record Owner(
      HasMetadata object,
      PodTemplateSpec template,
      Integer collisionCount,
      Integer historyLimit,
      OwnerReference controllerRef,
      String extraHashLabel) {}

  private final KubernetesClient client;
  private final KubernetesSerialization json;

  public TemplateRevisions(KubernetesClient client) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
  }

  /** The revision data of {@code owner}'s current template. */
  @SuppressWarnings("unchecked")
  Map<String, Object> patchOf(Owner owner) {
    Map<String, Object> template =
        (Map<String, Object>) json.convertValue(owner.template(), Map.class);
    template.put("$patch", "replace");
    Map<String, Object> spec = new HashMap<>();
    spec.put("template", template);
    Map<String, Object> data = new HashMap<>();
    data.put("spec", spec);
    return data;
  }

  /** The pod template stored in {@code revision}. */
  @SuppressWarnings("unchecked")
  public PodTemplateSpec templateOf(ControllerRevision revision) {
    Map<String, Object> data =
        (Map<String, Object>) json.convertValue(revision.getData(), Map.class);
    Map<String, Object> spec = (Map<String, Object>) data.get("spec");
    Map<String, Object> template = new HashMap<>((Map<String, Object>) spec.get("template"));
    template.remove("$patch");
    return json.convertValue(template, PodTemplateSpec.class);
  }

  /** Upstream-style hash: FNV-32a over the data and the collision count, in a safe alphabet. */
  public String hash(Map<String, Object> data, int collisionCount) {
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
      return false; // not a template revision we can read
    }
  }

  /** The result of {@link #ensureUpdateRevision}. */
  public record Update(ControllerRevision revision, int collisionCount) {
    /**
     * What pods of this revision are labelled with: its hash label, or (for a revision adopted
     * without one) its name, as upstream's DaemonSet controller falls back to.
     */
    public String hash() {
      Map<String, String> labels = revision.getMetadata().getLabels();
      String hash = labels == null ? null : labels.get(HASH_LABEL);
      return hash != null ? hash : revision.getMetadata().getName();
    }
  }

  /**
   * Finds or creates the revision of {@code owner}'s current template among {@code existing}. An
   * equal revision that is not the newest is renumbered to be the newest (a rollback). A name clash
   * with different data bumps the collision count.
   */
  public Update ensureUpdateRevision(Owner owner, List<ControllerRevision> existing) {
    HasMetadata set = owner.object();
    Map<String, Object> data = patchOf(owner);
    long next = 1;
    ControllerRevision equal = null;
    for (ControllerRevision r : existing) {
      next = Math.max(next, r.getRevision() + 1);
      if (sameData(r, data) && (equal == null || r.getRevision() > equal.getRevision())) {
        equal = r;
      }
    }
    int collisions = owner.collisionCount() == null ? 0 : owner.collisionCount();
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
      ControllerRevision r = newRevision(owner, data, next, collisions);
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
      Owner owner, Map<String, Object> data, long number, int collisions) {
    HasMetadata set = owner.object();
    String hash = hash(data, collisions);
    Map<String, String> labels = new HashMap<>();
    if (owner.template().getMetadata() != null
        && owner.template().getMetadata().getLabels() != null) {
      labels.putAll(owner.template().getMetadata().getLabels());
    }
    labels.put(HASH_LABEL, hash);
    if (owner.extraHashLabel() != null) {
      labels.put(owner.extraHashLabel(), hash);
    }
    ControllerRevision r = new ControllerRevision();
    r.setApiVersion("apps/v1");
    r.setKind("ControllerRevision");
    ObjectMeta meta = new ObjectMeta();
    meta.setName(set.getMetadata().getName() + "-" + hash);
    meta.setNamespace(set.getMetadata().getNamespace());
    meta.setLabels(labels);
    meta.setOwnerReferences(List.of(owner.controllerRef()));
    r.setMetadata(meta);
    r.setData(data);
    r.setRevision(number);
    return r;
  }

  /**
   * Deletes the oldest revisions beyond {@code spec.revisionHistoryLimit} (default 10) that no pod
   * and neither the current nor the update revision uses.
   */
  public void truncateHistory(Owner owner, List<ControllerRevision> revisions, Set<String> live) {
    int limit = owner.historyLimit() == null ? 10 : owner.historyLimit();
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
