package io.kuark.server.scheduler.preemption;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Selectors;
import java.util.ArrayList;
import java.util.List;

/**
 * How many more pods each PodDisruptionBudget lets go, computed from the pods it selects. Kuark has
 * no disruption controller filling {@code status.disruptionsAllowed}, so this does what the API's
 * eviction check does: expected pods are the selected pods that are not terminal, healthy ones are
 * Ready and not being deleted, and {@code minAvailable} or {@code maxUnavailable} (integer or
 * percentage, rounded up as upstream) gives the desired healthy count.
 */
public final class DisruptionAllowance {

  /** A budget and the disruptions it still allows (decremented as victims are picked). */
  public static final class Budget {
    final PodDisruptionBudget pdb;
    int allowed;

    Budget(PodDisruptionBudget pdb, int allowed) {
      this.pdb = pdb;
      this.allowed = allowed;
    }

    boolean selects(Pod pod) {
      return pdb.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
          && pdb.getSpec() != null
          && Selectors.matches(pdb.getSpec().getSelector(), pod.getMetadata().getLabels());
    }

    public int allowed() {
      return allowed;
    }
  }

  private DisruptionAllowance() {}

  /** The budgets with their allowed disruptions given the pods that exist now. */
  public static List<Budget> compute(List<PodDisruptionBudget> pdbs, List<Pod> pods) {
    List<Budget> out = new ArrayList<>(pdbs.size());
    for (PodDisruptionBudget pdb : pdbs) {
      Budget b = new Budget(pdb, 0);
      int expected = 0;
      int healthy = 0;
      for (Pod p : pods) {
        if (!b.selects(p) || Pods.isTerminal(p)) {
          continue;
        }
        expected++;
        if (p.getMetadata().getDeletionTimestamp() == null && Pods.isReady(p)) {
          healthy++;
        }
      }
      b.allowed = Math.max(0, healthy - desiredHealthy(pdb, expected));
      out.add(b);
    }
    return out;
  }

  static int desiredHealthy(PodDisruptionBudget pdb, int expected) {
    IntOrString min = pdb.getSpec().getMinAvailable();
    IntOrString max = pdb.getSpec().getMaxUnavailable();
    if (min != null) {
      return scaled(min, expected);
    }
    if (max != null) {
      return Math.max(0, expected - scaled(max, expected));
    }
    // Neither set: upstream's defaulting makes it minAvailable: 1.
    return 1;
  }

  /** An integer, or a percentage of {@code total} rounded up. */
  static int scaled(IntOrString v, int total) {
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal() == null ? "" : v.getStrVal().trim();
    if (s.endsWith("%")) {
      int pct = Integer.parseInt(s.substring(0, s.length() - 1));
      return (int) Math.ceil(total * pct / 100.0);
    }
    return Integer.parseInt(s);
  }
}
