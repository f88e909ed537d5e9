package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/** What pod handling reports for metrics; implementations must be cheap and never throw. */
public interface PodObserver {

  PodObserver NONE =
      new PodObserver() {
        @Override
        public void synced(double seconds, boolean failed) {}

        @Override
        public void seen(Pod pod) {}

        @Override
        public void statusWritten(Pod pod, PodStatus status) {}

        @Override
        public void forgotten(String uid) {}
      };

  /** One pod worker pass took {@code seconds}. */
  void synced(double seconds, boolean failed);

  /** The agent starts handling {@code pod} (first sync). */
  void seen(Pod pod);

  /** {@code status} was written for {@code pod}. */
  void statusWritten(Pod pod, PodStatus status);

  /** The pod is gone from this node. */
  void forgotten(String uid);
}
