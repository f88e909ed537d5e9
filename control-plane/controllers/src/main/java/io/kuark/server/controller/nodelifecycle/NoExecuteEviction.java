package io.kuark.server.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kuark.server.controller.runtime.Times;
import io.kuark.server.scheduler.plugins.Tolerations;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a pod on a node with NoExecute taints must go (upstream's taint manager): at once for a
 * taint it does not tolerate; otherwise the earliest of taint time + tolerationSeconds over the
 * tolerated taints (no seconds = tolerated forever). A pod without any toleration for the
 * not-ready/unreachable taints is treated as tolerating them for 300 s, the toleration the
 * DefaultTolerationSeconds admission plugin adds, so eviction timing does not depend on whether
 * that plugin ran.
 */
final class NoExecuteEviction {
  static final long DEFAULT_TOLERATION_SECONDS = 300;
  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";

  private NoExecuteEviction() {}

  /** The instant the pod must be evicted, or empty when it may stay. */
  static Optional<Instant> evictionTime(Pod pod, List<Taint> taints, Instant now) {
    Instant earliest = null;
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    for (Taint taint : taints) {
      if (!"NoExecute".equals(taint.getEffect())) {
        continue;
      }
      Instant added = Times.parse(taint.getTimeAdded());
      if (added == null) {
        added = now;
      }
      Long seconds = null;
      boolean tolerated = false;
      boolean forever = false;
      for (Toleration t : tolerations) {
        if (Tolerations.tolerates(t, taint)) {
          tolerated = true;
          if (t.getTolerationSeconds() == null) {
            forever = true;
          } else {
            seconds =
                seconds == null
                    ? t.getTolerationSeconds()
                    : Math.min(seconds, t.getTolerationSeconds());
          }
        }
      }
      if (!tolerated && (NOT_READY.equals(taint.getKey()) || UNREACHABLE.equals(taint.getKey()))) {
        tolerated = true;
        seconds = DEFAULT_TOLERATION_SECONDS;
      }
      if (!tolerated) {
        return Optional.of(now);
      }
      if (forever && seconds == null) {
        continue;
      }
      Instant at = added.plusSeconds(Math.max(0, seconds));
      if (earliest == null || at.isBefore(earliest)) {
        earliest = at;
      }
    }
    return Optional.ofNullable(earliest);
  }
}
