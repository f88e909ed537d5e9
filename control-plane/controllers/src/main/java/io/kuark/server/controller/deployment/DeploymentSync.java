package io.kuark.server.controller.deployment;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sync of one Deployment over a snapshot of its ReplicaSets and pods (upstream's
 * sync/rolling/recreate/progress).
 */
final class DeploymentSync {
  static final String AVAILABLE = "Available";
  static final String PROGRESSING = "Progressing";

  private final KubernetesClient client;
  private final ReplicaSetWriter writer;
  private final Clock clock;
  private final Deployment d;
  private final List<Pod> pods;
  private ReplicaSet newRs;
  private final List<ReplicaSet> oldRss = new ArrayList<>();
  private DeploymentCondition pendingProgress;

  DeploymentSync(
      KubernetesClient client,
      ReplicaSetWriter writer,
      Clock clock,
      Deployment d,
      List<ReplicaSet> owned,
      List<Pod> pods) {
    this.client = client;
    this.writer = writer;
    this.clock = clock;
    this.d = d;
    this.pods = pods;
    for (ReplicaSet rs : owned) {
      if (DeploymentUtil.equalIgnoringHash(
              client.getKubernetesSerialization(),
              rs.getSpec().getTemplate(),
              d.getSpec().getTemplate())
          && (newRs == null || created(rs).isBefore(created(newRs)))) {
        if (newRs != null) {
          oldRss.add(newRs);
        }
        newRs = rs;
      } else {
        oldRss.add(rs);
      }
    }
    oldRss.sort(Comparator.comparing(DeploymentSync::created));
  }

  private static Instant created(ReplicaSet rs) {
    Instant t = Times.parse(rs.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  private boolean paused() {
    return Boolean.TRUE.equals(d.getSpec().getPaused());
  }

  Optional<Duration> run() {
    if (d.getMetadata().getDeletionTimestamp() != null) {
      return syncStatusOnly();
    }
    if (paused()) {
      syncRevision(false);
      scale();
      cleanup();
      return syncStatusOnly();
    }
    if (isScalingEvent()) {
      syncRevision(false);
      scale();
      return syncStatusOnly();
    }
    return DeploymentUtil.isRecreate(d) ? rolloutRecreate() : rolloutRolling();
  }

  // ---- revisions and the new ReplicaSet ----

  private long maxOldRevision() {
    long max = 0;
    for (ReplicaSet rs : oldRss) {
      max = Math.max(max, DeploymentUtil.revision(rs));
    }
    return max;
  }

  /** Finds or (when {@code create}) creates the new ReplicaSet and gives it the newest revision. */
  private void syncRevision(boolean create) {
    long newRevision = maxOldRevision() + 1;
    if (newRs != null) {
      if (DeploymentUtil.revision(newRs) < newRevision) {
        newRs = writer.setRevision(newRs, newRevision);
      }
      if (DeploymentUtil.condition(d.getStatus(), PROGRESSING) == null) {
        pendingProgress =
            DeploymentUtil.newCondition(
                PROGRESSING,
                "True",
                "FoundNewReplicaSet",
                String.format("Found new replica set \"%s\"", newRs.getMetadata().getName()),
                now());
      }
    } else if (create) {
      Integer collisions = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
      String hash =
          DeploymentUtil.templateHash(
              client.getKubernetesSerialization(), d.getSpec().getTemplate(), collisions);
      ReplicaSet rs = writer.newReplicaSet(d, hash, newRevision, newReplicaCount(0));
      try {
        newRs = writer.create(d, rs);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        ReplicaSet existing =
            client
                .apps()
                .replicaSets()
                .inNamespace(d.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName())
                .get();
        if (existing != null
            && Owners.isControlledBy(existing, d.getMetadata().getUid())
            && DeploymentUtil.equalIgnoringHash(
                client.getKubernetesSerialization(),
                existing.getSpec().getTemplate(),
                d.getSpec().getTemplate())) {
          newRs = existing;
        } else {
          // A hash collision with a foreign ReplicaSet: bump collisionCount so the next hash
          // differs.
          Deployment copy = client.getKubernetesSerialization().clone(d);
          if (copy.getStatus() == null) {
            copy.setStatus(new DeploymentStatus());
          }
          copy.getStatus().setCollisionCount(collisions == null ? 1 : collisions + 1);
          client
              .apps()
              .deployments()
              .inNamespace(d.getMetadata().getNamespace())
              .resource(copy)
              .updateStatus();
          throw e;
        }
      }
      pendingProgress =
          DeploymentUtil.newCondition(
              PROGRESSING,
              "True",
              "NewReplicaSetCreated",
              String.format("Created new replica set \"%s\"", newRs.getMetadata().getName()),
              now());
    }
    if (newRs != null) {
      String rev = Long.toString(DeploymentUtil.revision(newRs));
      if (!rev.equals(
          DeploymentUtil.annotations(d.getMetadata().getAnnotations())
              .get(DeploymentUtil.REVISION))) {
        client
            .apps()
            .deployments()
            .inNamespace(d.getMetadata().getNamespace())
            .withName(d.getMetadata().getName())
            .edit(
                x -> {
                  Map<String, String> ann =
                      x.getMetadata().getAnnotations() == null
                          ? new HashMap<>()
                          : new HashMap<>(x.getMetadata().getAnnotations());
                  ann.put(DeploymentUtil.REVISION, rev);
                  x.getMetadata().setAnnotations(ann);
                  return x;
                });
      }
    }
  }

  /** How many replicas the new ReplicaSet may have now (upstream NewRSNewReplicas). */
  private int newReplicaCount(int currentNew) {
    int replicas = DeploymentUtil.replicas(d);
    if (DeploymentUtil.isRecreate(d)) {
      return replicas;
    }
    int maxTotal = replicas + DeploymentUtil.maxSurge(d);
    int current = currentNew;
    for (ReplicaSet rs : oldRss) {
      current += DeploymentUtil.replicas(rs);
    }
    if (current >= maxTotal) {
      return currentNew;
    }
    int scaleUp = Math.min(maxTotal - current, replicas - currentNew);
    return currentNew + Math.max(scaleUp, 0);
  }

  private List<ReplicaSet> all() {
    List<ReplicaSet> all = new ArrayList<>(oldRss);
    if (newRs != null) {
      all.add(newRs);
    }
    return all;
  }

  private static int sumReplicas(List<ReplicaSet> list) {
    int n = 0;
    for (ReplicaSet rs : list) {
      n += DeploymentUtil.replicas(rs);
    }
    return n;
  }

  // ---- RollingUpdate ----

  private Optional<Duration> rolloutRolling() {
    syncRevision(true);
    if (reconcileNew() || reconcileOld()) {
      return syncRolloutStatus();
    }
    if (complete(calculateStatus())) {
      cleanup();
    }
    return syncRolloutStatus();
  }

  private boolean reconcileNew() {
    int replicas = DeploymentUtil.replicas(d);
    int current = DeploymentUtil.replicas(newRs);
    if (current == replicas) {
      return false;
    }
    int target = current > replicas ? replicas : newReplicaCount(current);
    if (target == current) {
      return false;
    }
    newRs = writer.scale(d, newRs, target);
    return true;
  }

  private boolean reconcileOld() {
    if (sumReplicas(oldRss) == 0) {
      return false;
    }
    int all = sumReplicas(all());
    int minAvailable = DeploymentUtil.replicas(d) - DeploymentUtil.maxUnavailable(d);
    int newUnavailable = DeploymentUtil.replicas(newRs) - DeploymentUtil.available(newRs);
    int maxScaledDown = all - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    // First drop old replicas that are not available anyway: that costs no availability.
    int cleaned = 0;
    for (int i = 0; i < oldRss.size() && cleaned < maxScaledDown; i++) {
      ReplicaSet rs = oldRss.get(i);
      int spec = DeploymentUtil.replicas(rs);
      int unhealthy = spec - DeploymentUtil.available(rs);
      if (spec == 0 || unhealthy <= 0) {
        continue;
      }
      int n = Math.min(maxScaledDown - cleaned, unhealthy);
      oldRss.set(i, writer.scale(d, rs, spec - n));
      cleaned += n;
    }
    // Then scale down available old replicas as far as minAvailable allows.
    int availableTotal = 0;
    for (ReplicaSet rs : all()) {
      availableTotal += DeploymentUtil.available(rs);
    }
    int budget = availableTotal - minAvailable;
    int scaled = 0;
    for (int i = 0; i < oldRss.size() && scaled < budget; i++) {
      ReplicaSet rs = oldRss.get(i);
      int spec = DeploymentUtil.replicas(rs);
      if (spec == 0) {
        continue;
      }
      int n = Math.min(spec, budget - scaled);
      oldRss.set(i, writer.scale(d, rs, spec - n));
      scaled += n;
    }
    return cleaned + scaled > 0;
  }

  // ---- Recreate ----

  private Optional<Duration> rolloutRecreate() {
    syncRevision(false);
    boolean scaledDown = false;
    for (int i = 0; i < oldRss.size(); i++) {
      if (DeploymentUtil.replicas(oldRss.get(i)) > 0) {
        oldRss.set(i, writer.scale(d, oldRss.get(i), 0));
        scaledDown = true;
      }
    }
    if (scaledDown) {
      return syncRolloutStatus();
    }
    if (oldPodsRunning()) {
      return syncRolloutStatus();
    }
    if (newRs == null) {
      syncRevision(true);
    }
    if (DeploymentUtil.replicas(newRs) != DeploymentUtil.replicas(d)) {
      newRs = writer.scale(d, newRs, DeploymentUtil.replicas(d));
      return syncRolloutStatus();
    }
    if (complete(calculateStatus())) {
      cleanup();
    }
    return syncRolloutStatus();
  }

  private boolean oldPodsRunning() {
    for (ReplicaSet rs : oldRss) {
      if (DeploymentUtil.statusReplicas(rs) > 0) {
        return true;
      }
      for (Pod p : pods) {
        if (Owners.isControlledBy(p, rs.getMetadata().getUid()) && !Pods.isTerminal(p)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- scaling (replica count changed mid-rollout, or paused) ----

  private boolean isScalingEvent() {
    String want = Integer.toString(DeploymentUtil.replicas(d));
    for (ReplicaSet rs : all()) {
      if (DeploymentUtil.replicas(rs) > 0) {
        String desired =
            DeploymentUtil.annotations(rs.getMetadata().getAnnotations())
                .get(DeploymentUtil.DESIRED_REPLICAS);
        if (desired != null && !desired.equals(want)) {
          return true;
        }
      }
    }
    return false;
  }

  private void scale() {
    int replicas = DeploymentUtil.replicas(d);
    List<ReplicaSet> active = new ArrayList<>();
    for (ReplicaSet rs : all()) {
      if (DeploymentUtil.replicas(rs) > 0) {
        active.add(rs);
      }
    }
    if (active.size() <= 1) {
      ReplicaSet target = active.isEmpty() ? newRs : active.get(0);
      if (target != null) {
        replace(target, writer.scale(d, target, replicas));
      }
      return;
    }
    if (newRs != null
        && DeploymentUtil.replicas(newRs) == replicas
        && DeploymentUtil.available(newRs) == replicas) {
      for (ReplicaSet rs : new ArrayList<>(oldRss)) {
        replace(rs, writer.scale(d, rs, 0));
      }
      return;
    }
    // Proportional scaling: spread the difference by current size, remainder to the largest.
    int allowed = replicas + DeploymentUtil.maxSurge(d);
    int current = sumReplicas(active);
    int toAdd = allowed - current;
    if (toAdd == 0) {
      return;
    }
    active.sort(Comparator.comparingInt((ReplicaSet rs) -> DeploymentUtil.replicas(rs)).reversed());
    int added = 0;
    Map<ReplicaSet, Integer> targets = new HashMap<>();
    for (ReplicaSet rs : active) {
      int share = (int) ((long) DeploymentUtil.replicas(rs) * toAdd / current);
      if (toAdd < 0) {
        share = Math.max(share, -DeploymentUtil.replicas(rs));
      }
      targets.put(rs, DeploymentUtil.replicas(rs) + share);
      added += share;
    }
    ReplicaSet largest = active.get(0);
    targets.put(largest, Math.max(0, targets.get(largest) + (toAdd - added)));
    for (ReplicaSet rs : active) {
      replace(rs, writer.scale(d, rs, targets.get(rs)));
    }
  }

  private void replace(ReplicaSet before, ReplicaSet after) {
    if (before == newRs) {
      newRs = after;
      return;
    }
    int i = oldRss.indexOf(before);
    if (i >= 0) {
      oldRss.set(i, after);
    }
  }

  // ---- history ----

  private void cleanup() {
    int limit =
        d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
    List<ReplicaSet> cleanable = new ArrayList<>();
    for (ReplicaSet rs : oldRss) {
      if (rs.getMetadata().getDeletionTimestamp() == null) {
        cleanable.add(rs);
      }
    }
    int diff = cleanable.size() - limit;
    if (diff <= 0) {
      return;
    }
    cleanable.sort(
        Comparator.comparingLong(DeploymentUtil::revision).thenComparing(DeploymentSync::created));
    for (int i = 0; i < diff; i++) {
      ReplicaSet rs = cleanable.get(i);
      long gen = rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
      long observed =
          rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null
              ? 0
              : rs.getStatus().getObservedGeneration();
      if (DeploymentUtil.statusReplicas(rs) != 0
          || DeploymentUtil.replicas(rs) != 0
          || gen > observed) {
        continue;
      }
      writer.delete(rs);
    }
  }

  // ---- status ----

  private String now() {
    return Times.now(clock);
  }

  DeploymentStatus calculateStatus() {
    DeploymentStatus s =
        d.getStatus() == null
            ? new DeploymentStatus()
            : client.getKubernetesSerialization().clone(d.getStatus());
    int total = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSet rs : all()) {
      total += DeploymentUtil.statusReplicas(rs);
      ready += DeploymentUtil.ready(rs);
      available += DeploymentUtil.available(rs);
    }
    int replicas = DeploymentUtil.replicas(d);
    s.setObservedGeneration(d.getMetadata().getGeneration());
    s.setReplicas(total);
    s.setUpdatedReplicas(newRs == null ? 0 : DeploymentUtil.statusReplicas(newRs));
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(available);
    s.setUnavailableReplicas(Math.max(replicas - available, 0));
    if (available >= replicas - DeploymentUtil.maxUnavailable(d)) {
      DeploymentUtil.setCondition(
          s,
          DeploymentUtil.newCondition(
              AVAILABLE,
              "True",
              "MinimumReplicasAvailable",
              "Deployment has minimum availability.",
              now()));
    } else {
      DeploymentUtil.setCondition(
          s,
          DeploymentUtil.newCondition(
              AVAILABLE,
              "False",
              "MinimumReplicasUnavailable",
              "Deployment does not have minimum availability.",
              now()));
    }
    return s;
  }

  private boolean complete(DeploymentStatus s) {
    int replicas = DeploymentUtil.replicas(d);
    return n(s.getUpdatedReplicas()) == replicas
        && n(s.getReplicas()) == replicas
        && n(s.getAvailableReplicas()) == replicas
        && s.getObservedGeneration() != null
        && d.getMetadata().getGeneration() != null
        && s.getObservedGeneration() >= d.getMetadata().getGeneration();
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  /** Did the rollout move forward compared with the status last written? */
  private boolean progressing(DeploymentStatus next) {
    DeploymentStatus prev = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int prevOld = n(prev.getReplicas()) - n(prev.getUpdatedReplicas());
    int nextOld = n(next.getReplicas()) - n(next.getUpdatedReplicas());
    return n(next.getUpdatedReplicas()) > n(prev.getUpdatedReplicas())
        || nextOld < prevOld
        || n(next.getReadyReplicas()) > n(prev.getReadyReplicas())
        || n(next.getAvailableReplicas()) > n(prev.getAvailableReplicas());
  }

  private Optional<Duration> syncStatusOnly() {
    DeploymentStatus s = calculateStatus();
    pausedCondition(s);
    write(s);
    return Optional.empty();
  }

  private void pausedCondition(DeploymentStatus s) {
    DeploymentCondition cond = DeploymentUtil.condition(s, PROGRESSING);
    if (paused() && (cond == null || !"DeploymentPaused".equals(cond.getReason()))) {
      DeploymentUtil.setCondition(
          s,
          DeploymentUtil.newCondition(
              PROGRESSING, "Unknown", "DeploymentPaused", "Deployment is paused", now()));
    } else if (!paused() && cond != null && "DeploymentPaused".equals(cond.getReason())) {
      DeploymentUtil.setCondition(
          s,
          DeploymentUtil.newCondition(
              PROGRESSING, "Unknown", "DeploymentResumed", "Deployment is resumed", now()));
    }
  }

  private Optional<Duration> syncRolloutStatus() {
    DeploymentStatus s = calculateStatus();
    pausedCondition(s);
    Integer deadline = d.getSpec().getProgressDeadlineSeconds();
    Optional<Duration> again = Optional.empty();
    if (pendingProgress != null) {
      DeploymentUtil.setCondition(s, pendingProgress);
    }
    if (deadline != null && !paused()) {
      DeploymentCondition current = DeploymentUtil.condition(s, PROGRESSING);
      String rsName = newRs == null ? "" : newRs.getMetadata().getName();
      if (complete(s)) {
        DeploymentUtil.setCondition(
            s,
            DeploymentUtil.newCondition(
                PROGRESSING,
                "True",
                "NewReplicaSetAvailable",
                String.format("ReplicaSet \"%s\" has successfully progressed.", rsName),
                now()));
      } else if (progressing(s)) {
        DeploymentCondition c =
            DeploymentUtil.newCondition(
                PROGRESSING,
                "True",
                "ReplicaSetUpdated",
                String.format("ReplicaSet \"%s\" is progressing.", rsName),
                now());
        if (current != null) {
          if ("True".equals(current.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
          }
          DeploymentUtil.removeCondition(s, PROGRESSING);
        }
        DeploymentUtil.setCondition(s, c);
        again = Optional.of(Duration.ofSeconds(deadline).plusSeconds(1));
      } else if (current != null && !"ProgressDeadlineExceeded".equals(current.getReason())) {
        Instant last = Times.parse(current.getLastUpdateTime());
        Instant until = last == null ? null : last.plusSeconds(deadline);
        if (until != null && !clock.instant().isBefore(until)) {
          DeploymentUtil.setCondition(
              s,
              DeploymentUtil.newCondition(
                  PROGRESSING,
                  "False",
                  "ProgressDeadlineExceeded",
                  String.format("ReplicaSet \"%s\" has timed out progressing.", rsName),
                  now()));
        } else if (until != null) {
          again = Optional.of(Duration.between(clock.instant(), until).plusSeconds(1));
        }
      }
    }
    write(s);
    return again;
  }

  private void write(DeploymentStatus s) {
    if (io.kuark.server.controller.runtime.Semantic.equal(
        client.getKubernetesSerialization(), s, d.getStatus())) {
      return;
    }
    Deployment copy = client.getKubernetesSerialization().clone(d);
    copy.setStatus(s);
    client
        .apps()
        .deployments()
        .inNamespace(d.getMetadata().getNamespace())
        .resource(copy)
        .updateStatus();
  }
}
