package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kuark.server.controller.runtime.Owners;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Upstream's DefaultSelector for the system default spread constraints: the pods "like" this one
 * are those selected by every Service and ReplicationController whose selector matches the pod, and
 * by the ReplicaSet or StatefulSet controlling it. Null when nothing selects the pod (then no
 * default constraint applies).
 */
public final class DefaultSpreadSelector implements Function<Pod, LabelSelector> {
  private final Function<String, List<Service>> services;
  private final Function<String, List<ReplicationController>> controllers;
  private final BiFunction<String, String, ReplicaSet> replicaSets;
  private final BiFunction<String, String, StatefulSet> statefulSets;

  /**
   * @param services Services of a namespace
   * @param controllers ReplicationControllers of a namespace
   * @param replicaSets a ReplicaSet by namespace and name, or null
   * @param statefulSets a StatefulSet by namespace and name, or null
   */
  public DefaultSpreadSelector(
      Function<String, List<Service>> services,
      Function<String, List<ReplicationController>> controllers,
      BiFunction<String, String, ReplicaSet> replicaSets,
      BiFunction<String, String, StatefulSet> statefulSets) {
    this.services = services;
    this.controllers = controllers;
    this.replicaSets = replicaSets;
    this.statefulSets = statefulSets;
  }

  @Override
  public LabelSelector apply(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> podLabels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> labels = new TreeMap<>();
    for (Service s : services.apply(ns)) {
      addIfSelects(labels, s.getSpec() == null ? null : s.getSpec().getSelector(), podLabels);
    }
    for (ReplicationController rc : controllers.apply(ns)) {
      addIfSelects(labels, rc.getSpec() == null ? null : rc.getSpec().getSelector(), podLabels);
    }
    List<LabelSelectorRequirement> exprs = new ArrayList<>();
    OwnerReference ref = Owners.controllerOf(pod);
    LabelSelector owner = null;
    if (ref != null && "ReplicaSet".equals(ref.getKind())) {
      ReplicaSet rs = replicaSets.apply(ns, ref.getName());
      owner = rs == null || rs.getSpec() == null ? null : rs.getSpec().getSelector();
    } else if (ref != null && "StatefulSet".equals(ref.getKind())) {
      StatefulSet sts = statefulSets.apply(ns, ref.getName());
      owner = sts == null || sts.getSpec() == null ? null : sts.getSpec().getSelector();
    }
    if (owner != null) {
      if (owner.getMatchLabels() != null) {
        labels.putAll(owner.getMatchLabels());
      }
      if (owner.getMatchExpressions() != null) {
        exprs.addAll(owner.getMatchExpressions());
      }
    }
    if (labels.isEmpty() && exprs.isEmpty()) {
      return null;
    }
    return new LabelSelectorBuilder().withMatchLabels(labels).withMatchExpressions(exprs).build();
  }

  /** A Service/RC selector (a plain map) counts when non-empty and matching the pod. */
  private static void addIfSelects(
      Map<String, String> into, Map<String, String> selector, Map<String, String> podLabels) {
    if (selector == null || selector.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(podLabels.get(e.getKey()))) {
        return;
      }
    }
    into.putAll(selector);
  }
}
