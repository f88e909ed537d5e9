package io.kuark.server.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoExecuteEvictionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Taint UNREACHABLE =
      new Taint("NoExecute", "node.kubernetes.io/unreachable", "2026-01-01T00:00:00Z", null);
  private static final Taint CUSTOM =
      new Taint("NoExecute", "maintenance", "2026-01-01T00:00:00Z", "now");

  private static Pod pod(Toleration... tolerations) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewSpec()
        .withTolerations(tolerations)
        .endSpec()
        .build();
  }

  @Test
  void podWithoutTolerationsGetsTheDefaultThreeHundredSecondsForUnreachable() {
    assertThat(NoExecuteEviction.evictionTime(pod(), List.of(UNREACHABLE), T0))
        .contains(T0.plusSeconds(300));
  }

  @Test
  void explicitTolerationSecondsWin() {
    Toleration t =
        new TolerationBuilder()
            .withKey("node.kubernetes.io/unreachable")
            .withOperator("Exists")
            .withEffect("NoExecute")
            .withTolerationSeconds(30L)
            .build();
    assertThat(NoExecuteEviction.evictionTime(pod(t), List.of(UNREACHABLE), T0.plusSeconds(10)))
        .contains(T0.plusSeconds(30));
  }

  @Test
  void untoleratedTaintEvictsAtOnceAndForeverTolerationNever() {
    assertThat(NoExecuteEviction.evictionTime(pod(), List.of(CUSTOM), T0.plusSeconds(5)))
        .contains(T0.plusSeconds(5));
    Toleration forever = new TolerationBuilder().withOperator("Exists").build();
    assertThat(NoExecuteEviction.evictionTime(pod(forever), List.of(CUSTOM, UNREACHABLE), T0))
        .isEmpty();
  }

  @Test
  void noScheduleTaintsNeverEvict() {
    Taint noSchedule = new Taint("NoSchedule", "maintenance", null, null);
    assertThat(NoExecuteEviction.evictionTime(pod(), List.of(noSchedule), T0)).isEmpty();
  }
}
