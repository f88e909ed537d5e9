package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import org.junit.jupiter.api.Test;

class ProbeTrackerTest {

  @Test
  void waitsTheInitialDelayThenRunsEveryPeriod() {
    Probe probe = new ProbeBuilder().withInitialDelaySeconds(5).withPeriodSeconds(2).build();
    ProbeTracker tracker = new ProbeTracker(probe, 1_000, false);
    assertThat(tracker.due(5_999)).isFalse();
    assertThat(tracker.due(6_000)).isTrue();
    tracker.record(true, 6_000);
    assertThat(tracker.due(7_999)).isFalse();
    assertThat(tracker.due(8_000)).isTrue();
  }

  @Test
  void flipsOnlyAfterTheThresholds() {
    Probe probe = new ProbeBuilder().withFailureThreshold(3).withSuccessThreshold(2).build();
    ProbeTracker tracker = new ProbeTracker(probe, 0, true);
    assertThat(tracker.record(false, 0)).isTrue();
    assertThat(tracker.record(false, 1)).isTrue();
    assertThat(tracker.record(false, 2)).isFalse();
    assertThat(tracker.record(true, 3)).isFalse();
    assertThat(tracker.record(true, 4)).isTrue();
  }
}
