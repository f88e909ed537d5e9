package io.kuark.server.controller.deployment;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.Selectors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rolls Deployments out through ReplicaSets (RollingUpdate and Recreate), scales them, keeps
 * revision history and reports status and conditions the way {@code kubectl rollout status}
 * expects.
 */
public final class DeploymentController {
  private final KubernetesClient client;
  private final Lister<Deployment> deployments;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;

  public DeploymentController(LoopContext ctx) {
    this.client = ctx.client();
    this.deployments = ctx.informers().lister(Deployment.class);
    this.replicaSets = ctx.informers().lister(ReplicaSet.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("deployment-controller");
    this.clock = ctx.clock();
    this.controller = ctx.controller("deployment", this::sync, 2);
    ctx.informers()
        .get(Deployment.class)
        .addEventHandler(Handlers.any(d -> controller.enqueue(Keys.of(d))));
    ctx.informers()
        .get(ReplicaSet.class)
        .addEventHandler(
            Handlers.of(
                this::enqueueOwner,
                (o, n) -> {
                  enqueueOwner(o);
                  enqueueOwner(n);
                },
                this::enqueueOwner));
    // Recreate waits for old pods to be gone, so their deletion must wake the deployment.
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(Handlers.of(p -> {}, (o, n) -> {}, this::podDeleted));
  }

  public Controller controller() {
    return controller;
  }

  private void enqueueOwner(ReplicaSet rs) {
    OwnerReference ref = Owners.controllerOf(rs);
    if (ref != null && "Deployment".equals(ref.getKind())) {
      controller.enqueue(Keys.of(rs.getMetadata().getNamespace(), ref.getName()));
    }
  }

  private void podDeleted(Pod pod) {
    OwnerReference ref = Owners.controllerOf(pod);
    if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
      return;
    }
    ReplicaSet rs = replicaSets.get(Keys.of(pod.getMetadata().getNamespace(), ref.getName()));
    if (rs != null) {
      enqueueOwner(rs);
    }
  }

  Optional<Duration> sync(String key) {
    Deployment d = deployments.get(key);
    if (d == null) {
      return Optional.empty();
    }
    if (d.getSpec().getSelector() == null
        || (d.getSpec().getSelector().getMatchLabels() == null
                || d.getSpec().getSelector().getMatchLabels().isEmpty())
            && (d.getSpec().getSelector().getMatchExpressions() == null
                || d.getSpec().getSelector().getMatchExpressions().isEmpty())) {
      events.warning(
          d,
          "SelectingAll",
          "This deployment is selecting all pods. A non-empty selector is required.");
      return Optional.empty();
    }
    String uid = d.getMetadata().getUid();
    List<ReplicaSet> owned = new ArrayList<>();
    for (ReplicaSet rs : replicaSets.namespace(d.getMetadata().getNamespace()).list()) {
      if (Owners.isControlledBy(rs, uid)) {
        owned.add(rs);
      }
    }
    List<Pod> ownedPods = new ArrayList<>();
    for (Pod p : pods.namespace(d.getMetadata().getNamespace()).list()) {
      if (Selectors.matches(d.getSpec().getSelector(), p.getMetadata().getLabels())) {
        ownedPods.add(p);
      }
    }
    return new DeploymentSync(
            client, new ReplicaSetWriter(client, events), clock, d, owned, ownedPods)
        .run();
  }
}
