package io.kuark.server.controller.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.SortedSet;

/** Completion indexes of Indexed Jobs: reading a pod's index and printing index sets. */
final class CompletionIndexes {
  static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";
  static final String ENV = "JOB_COMPLETION_INDEX";

  private CompletionIndexes() {}

  static boolean indexed(Job job) {
    return "Indexed".equals(job.getSpec().getCompletionMode());
  }

  /** The pod's index from its annotation (upstream's source of truth), or -1 when absent/bad. */
  static int of(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(ANNOTATION);
    if (v == null) {
      return -1;
    }
    try {
      int i = Integer.parseInt(v);
      return i < 0 ? -1 : i;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code status.completedIndexes}: ascending ranges such as {@code 0-2,4,6-7}; null if none. */
  static String format(SortedSet<Integer> indexes) {
    if (indexes.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (start == null) {
        start = i;
      } else if (i != prev + 1) {
        append(out, start, prev);
        start = i;
      }
      prev = i;
    }
    append(out, start, prev);
    return out.toString();
  }

  private static void append(StringBuilder out, int start, int end) {
    if (out.length() > 0) {
      out.append(',');
    }
    out.append(start);
    if (end > start) {
      out.append('-').append(end);
    }
  }
}
