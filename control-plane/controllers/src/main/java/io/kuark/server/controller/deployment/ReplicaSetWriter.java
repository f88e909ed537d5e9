package io.kuark.server.controller.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Owners;
import java.util.HashMap;
import java.util.Map;

/**
 * The Deployment controller's writes to ReplicaSets: create the new one, scale, delete old ones.
 */
final class ReplicaSetWriter {
  private final KubernetesClient client;
  private final EventRecorder events;

  ReplicaSetWriter(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** Builds (does not send) the ReplicaSet for {@code d}'s current template. */
  ReplicaSet newReplicaSet(Deployment d, String hash, long revision, int replicas) {
    PodTemplateSpec template = client.getKubernetesSerialization().clone(d.getSpec().getTemplate());
    Map<String, String> podLabels = new HashMap<>();
    if (template.getMetadata().getLabels() != null) {
      podLabels.putAll(template.getMetadata().getLabels());
    }
    podLabels.put(DeploymentUtil.HASH_LABEL, hash);
    template.getMetadata().setLabels(podLabels);
    LabelSelector selector = client.getKubernetesSerialization().clone(d.getSpec().getSelector());
    Map<String, String> matchLabels = new HashMap<>();
    if (selector.getMatchLabels() != null) {
      matchLabels.putAll(selector.getMatchLabels());
    }
    matchLabels.put(DeploymentUtil.HASH_LABEL, hash);
    selector = new LabelSelectorBuilder(selector).withMatchLabels(matchLabels).build();
    Map<String, String> annotations = DeploymentUtil.copiedAnnotations(d);
    annotations.put(DeploymentUtil.REVISION, Long.toString(revision));
    annotations.put(DeploymentUtil.DESIRED_REPLICAS, Integer.toString(DeploymentUtil.replicas(d)));
    annotations.put(
        DeploymentUtil.MAX_REPLICAS,
        Integer.toString(DeploymentUtil.replicas(d) + DeploymentUtil.maxSurge(d)));
    var owner = Owners.controllerRef(d);
    owner.setApiVersion(HasMetadata.getApiVersion(Deployment.class));
    owner.setKind(HasMetadata.getKind(Deployment.class));
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(d.getMetadata().getName() + "-" + hash)
        .withNamespace(d.getMetadata().getNamespace())
        .withLabels(podLabels)
        .withAnnotations(annotations)
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withMinReadySeconds(d.getSpec().getMinReadySeconds())
        .withSelector(selector)
        .withTemplate(template)
        .endSpec()
        .build();
  }

  ReplicaSet create(Deployment d, ReplicaSet rs) {
    ReplicaSet created =
        client
            .apps()
            .replicaSets()
            .inNamespace(rs.getMetadata().getNamespace())
            .resource(rs)
            .create();
    int n = DeploymentUtil.replicas(rs);
    if (n > 0) {
      events.normal(
          d,
          "ScalingReplicaSet",
          String.format("Scaled up replica set %s from 0 to %d", rs.getMetadata().getName(), n));
    }
    return created;
  }

  /**
   * Sets {@code rs} to {@code replicas} and refreshes its desired/max annotations; returns the
   * written object (or {@code rs} unchanged when nothing differs).
   */
  ReplicaSet scale(Deployment d, ReplicaSet rs, int replicas) {
    int from = DeploymentUtil.replicas(rs);
    String desired = Integer.toString(DeploymentUtil.replicas(d));
    String max = Integer.toString(DeploymentUtil.replicas(d) + DeploymentUtil.maxSurge(d));
    Map<String, String> ann = DeploymentUtil.annotations(rs.getMetadata().getAnnotations());
    if (from == replicas
        && desired.equals(ann.get(DeploymentUtil.DESIRED_REPLICAS))
        && max.equals(ann.get(DeploymentUtil.MAX_REPLICAS))) {
      return rs;
    }
    ReplicaSet copy = client.getKubernetesSerialization().clone(rs);
    copy.getSpec().setReplicas(replicas);
    Map<String, String> annotations = new HashMap<>(ann);
    annotations.put(DeploymentUtil.DESIRED_REPLICAS, desired);
    annotations.put(DeploymentUtil.MAX_REPLICAS, max);
    copy.getMetadata().setAnnotations(annotations);
    ReplicaSet updated =
        client
            .apps()
            .replicaSets()
            .inNamespace(rs.getMetadata().getNamespace())
            .resource(copy)
            .update();
    if (from != replicas) {
      String verb = replicas > from ? "up" : "down";
      events.normal(
          d,
          "ScalingReplicaSet",
          String.format(
              "Scaled %s replica set %s from %d to %d",
              verb, rs.getMetadata().getName(), from, replicas));
    }
    return updated;
  }

  /** Gives an existing ReplicaSet (e.g. revived by a rollback) the new revision number. */
  ReplicaSet setRevision(ReplicaSet rs, long revision) {
    ReplicaSet copy = client.getKubernetesSerialization().clone(rs);
    Map<String, String> annotations =
        new HashMap<>(DeploymentUtil.annotations(rs.getMetadata().getAnnotations()));
    String old = annotations.get(DeploymentUtil.REVISION);
    annotations.put(DeploymentUtil.REVISION, Long.toString(revision));
    if (old != null && !old.equals(Long.toString(revision))) {
      String history = annotations.get(DeploymentUtil.REVISION_HISTORY);
      annotations.put(
          DeploymentUtil.REVISION_HISTORY,
          history == null || history.isEmpty() ? old : history + "," + old);
    }
    copy.getMetadata().setAnnotations(annotations);
    return client
        .apps()
        .replicaSets()
        .inNamespace(rs.getMetadata().getNamespace())
        .resource(copy)
        .update();
  }

  void delete(ReplicaSet rs) {
    client
        .apps()
        .replicaSets()
        .inNamespace(rs.getMetadata().getNamespace())
        .withName(rs.getMetadata().getName())
        .delete();
  }
}
