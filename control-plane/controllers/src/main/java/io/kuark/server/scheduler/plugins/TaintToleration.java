package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Filters out nodes with NoSchedule/NoExecute taints the pod does not tolerate; prefers nodes with
 * fewer untolerated PreferNoSchedule taints.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

  @Override
  public String name() {
    return "TaintToleration";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    List<Taint> taints = io.kuark.server.controller.runtime.Nodes.spec(node.node()).getTaints();
    if (taints == null) {
      return Status.success();
    }
    List<Toleration> tolerations = pod.pod.getSpec().getTolerations();
    for (Taint taint : taints) {
      if (!"NoSchedule".equals(taint.getEffect()) && !"NoExecute".equals(taint.getEffect())) {
        continue;
      }
      if (!Tolerations.tolerates(tolerations, taint)) {
        return Status.unresolvable(
            name(), "node(s) had untolerated taint " + Tolerations.describe(taint));
      }
    }
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    List<Taint> taints = io.kuark.server.controller.runtime.Nodes.spec(node.node()).getTaints();
    if (taints == null) {
      return 0;
    }
    List<Toleration> preferTolerations = new ArrayList<>();
    if (pod.pod.getSpec().getTolerations() != null) {
      for (Toleration t : pod.pod.getSpec().getTolerations()) {
        if (t.getEffect() == null
            || t.getEffect().isEmpty()
            || "PreferNoSchedule".equals(t.getEffect())) {
          preferTolerations.add(t);
        }
      }
    }
    long count = 0;
    for (Taint taint : taints) {
      if ("PreferNoSchedule".equals(taint.getEffect())
          && !Tolerations.tolerates(preferTolerations, taint)) {
        count++;
      }
    }
    return count;
  }

  /** Fewer intolerable taints is better: reverse the counts onto 0..100. */
  @Override
  public void normalize(CycleState state, PodInfo pod, long[] scores) {
    long max = 0;
    for (long s : scores) {
      max = Math.max(max, s);
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] = max == 0 ? MAX_SCORE : MAX_SCORE - scores[i] * MAX_SCORE / max;
    }
  }

  @Override
  public int weight() {
    return 3;
  }
}
