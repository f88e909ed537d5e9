package io.kuark.server.controller.statefulset;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.ControllerRefManager;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.OwnedPodHandler;
import io.kuark.server.controller.runtime.Semantic;
import io.kuark.server.controller.runtime.TemplateRevisions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The StatefulSet controller: pods with stable names and claims, created and removed in ordinal
 * order (or in parallel), rolled to new ControllerRevisions from the highest ordinal down to the
 * partition, with the status {@code kubectl rollout status statefulset} reads.
 */
public final class StatefulSetController {
  private final KubernetesClient client;
  private final Lister<StatefulSet> sets;
  private final Lister<Pod> pods;
  private final Lister<ControllerRevision> revisionCache;
  private final TemplateRevisions revisions;
  private final StatefulSetUpdater updater;
  private final Clock clock;
  private final Controller controller;
  private final ControllerRefManager refs;

  public StatefulSetController(LoopContext ctx) {
    this.client = ctx.client();
    this.sets = ctx.informers().lister(StatefulSet.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.revisionCache = ctx.informers().lister(ControllerRevision.class);
    Lister<PersistentVolumeClaim> claimCache = ctx.informers().lister(PersistentVolumeClaim.class);
    var events = ctx.recorder("statefulset-controller");
    this.revisions = new TemplateRevisions(client);
    this.updater =
        new StatefulSetUpdater(client, new StatefulClaims(client, claimCache, events), events);
    this.clock = ctx.clock();
    this.controller = ctx.controller("statefulset", this::sync, 2);
    ctx.informers()
        .get(StatefulSet.class)
        .addEventHandler(Handlers.any(s -> controller.enqueue(Keys.of(s))));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(
            OwnedPodHandler.of(
                "StatefulSet",
                new io.kuark.server.controller.runtime.Expectations(),
                controller,
                p -> OwnedPodHandler.matchingOwners(sets, p, s -> s.getSpec().getSelector())));
    ctx.informers()
        .get(ControllerRevision.class)
        .addEventHandler(
            io.kuark.server.controller.runtime.RevisionHandler.of(
                "StatefulSet", sets, s -> s.getSpec().getSelector(), controller));
    this.refs = new ControllerRefManager(client);
  }

  public Controller controller() {
    return controller;
  }

  Optional<Duration> sync(String key) {
    StatefulSet set = sets.get(key);
    if (set == null || set.getMetadata().getDeletionTimestamp() != null) {
      // Deleting the set: the garbage collector removes its pods, revisions and owned claims.
      return Optional.empty();
    }
    String ns = set.getMetadata().getNamespace();
    // Upstream's ListRevisions + ClaimControllerRevisions: orphaned revisions matching the
    // selector are adopted, owned ones that stopped matching are released.
    List<ControllerRevision> owned =
        new ArrayList<>(
            refs.claimRevisions(
                set,
                set.getSpec().getSelector(),
                revisionCache.namespace(ns).list(),
                StatefulPods.controllerRef(set),
                () -> fresh(set)));
    TemplateRevisions.Owner history = history(set);
    TemplateRevisions.Update update = revisions.ensureUpdateRevision(history, owned);
    ControllerRevision updateRevision = update.revision();
    if (!containsName(owned, updateRevision.getMetadata().getName())) {
      owned.add(updateRevision);
    }
    ControllerRevision currentRevision = updateRevision;
    String recorded = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
    for (ControllerRevision r : owned) {
      if (r.getMetadata().getName().equals(recorded)) {
        currentRevision = r;
      }
    }
    PodTemplateSpec currentTemplate =
        currentRevision == updateRevision
            ? set.getSpec().getTemplate()
            : revisions.templateOf(currentRevision);
    StatefulSetUpdater.Revisions rev =
        new StatefulSetUpdater.Revisions(
            currentRevision.getMetadata().getName(),
            currentTemplate,
            updateRevision.getMetadata().getName(),
            set.getSpec().getTemplate());

    // Upstream's getPodsForStatefulSet: adopt orphans that match the selector and are named as
    // members of this set, release owned pods that no longer match.
    List<Pod> mine =
        refs.claimPods(
            set,
            set.getSpec().getSelector(),
            p -> StatefulPods.isMemberOf(set, p),
            pods.namespace(ns).list(),
            StatefulPods.controllerRef(set),
            () -> fresh(set));
    Instant now = clock.instant();
    updater.update(set, mine, rev, now);

    StatefulSetStatus status = StatefulSetStatusCalculator.compute(set, mine, rev, update, now);
    if (!Semantic.equal(client.getKubernetesSerialization(), status, set.getStatus())) {
      StatefulSet copy = client.getKubernetesSerialization().clone(set);
      copy.setStatus(status);
      client.apps().statefulSets().inNamespace(ns).resource(copy).updateStatus();
    }
    Set<String> live = new HashSet<>();
    live.add(status.getCurrentRevision());
    live.add(status.getUpdateRevision());
    for (Pod p : mine) {
      live.add(StatefulPods.revisionOf(p));
    }
    revisions.truncateHistory(history, owned, live);

    int minReady = StatefulSetUpdater.minReadySeconds(set);
    if (minReady > 0 && !status.getReadyReplicas().equals(status.getAvailableReplicas())) {
      return Optional.of(Duration.ofSeconds(minReady));
    }
    return Optional.empty();
  }

  /** The set as the API has it now (the "can adopt" re-check before the first adoption). */
  private StatefulSet fresh(StatefulSet set) {
    return client
        .apps()
        .statefulSets()
        .inNamespace(set.getMetadata().getNamespace())
        .withName(set.getMetadata().getName())
        .get();
  }

  private static boolean containsName(List<ControllerRevision> list, String name) {
    for (ControllerRevision r : list) {
      if (r.getMetadata().getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The set as the owner of its revision history. */
  private static TemplateRevisions.Owner history(StatefulSet set) {
    return new TemplateRevisions.Owner(
        set,
        set.getSpec().getTemplate(),
        set.getStatus() == null ? null : set.getStatus().getCollisionCount(),
        set.getSpec().getRevisionHistoryLimit(),
        StatefulPods.controllerRef(set),
        null);
  }
}
