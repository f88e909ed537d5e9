package io.kuark.server.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds upstream's FailedScheduling message, e.g. {@code 0/3 nodes are available: 1 Insufficient
 * cpu, 2 node(s) had untolerated taint {a: b}. preemption: 0/3 nodes are available: 1 No preemption
 * victims found for incoming pod, 2 Preemption is not helpful for scheduling.}
 */
public final class FitErrorMessage {
  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";

  private FitErrorMessage() {}

  /**
   * @param allNodes how many nodes were considered
   * @param preFilterMessage a PreFilter rejection, or null
   * @param nodeStatuses the failing status of each rejected node
   * @param preemptionNever true when the pod has {@code preemptionPolicy: Never}
   */
  public static String build(
      int allNodes,
      String preFilterMessage,
      Map<String, Status> nodeStatuses,
      boolean preemptionNever) {
    StringBuilder msg = new StringBuilder("0/").append(allNodes).append(" nodes are available:");
    if (preFilterMessage != null) {
      msg.append(' ').append(preFilterMessage).append('.');
    }
    Map<String, Integer> reasons = new TreeMap<>();
    Map<String, Integer> preemption = new TreeMap<>();
    for (Status s : nodeStatuses.values()) {
      for (String r : s.reasons()) {
        reasons.merge(r, 1, Integer::sum);
      }
      preemption.merge(
          s.code() == Status.Code.UNSCHEDULABLE ? NO_VICTIMS : NOT_HELPFUL, 1, Integer::sum);
    }
    if (!reasons.isEmpty()) {
      msg.append(' ').append(String.join(", ", histogram(reasons))).append('.');
    }
    if (preemptionNever) {
      msg.append(" preemption: not eligible due to preemptionPolicy=Never.");
    } else if (preFilterMessage != null) {
      msg.append(" preemption: 0/")
          .append(allNodes)
          .append(" nodes are available: ")
          .append(allNodes)
          .append(' ')
          .append(NOT_HELPFUL)
          .append('.');
    } else if (!preemption.isEmpty()) {
      msg.append(" preemption: 0/")
          .append(allNodes)
          .append(" nodes are available: ")
          .append(String.join(", ", histogram(preemption)))
          .append('.');
    }
    return msg.toString();
  }

  /**
   * {@code message} with its {@code preemption: ...} part replaced by {@code preemption} (null: no
   * preemption part), once the PostFilter's real outcome is known.
   */
  public static String withPreemption(String message, String preemption) {
    int at = message.indexOf(" preemption: ");
    String base = at < 0 ? message : message.substring(0, at);
    return preemption == null ? base : base + " preemption: " + preemption;
  }

  /** "count reason" strings sorted as strings, like upstream's sort.Strings over the histogram. */
  private static List<String> histogram(Map<String, Integer> counts) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      out.add(e.getValue() + " " + e.getKey());
    }
    Collections.sort(out);
    return out;
  }
}
