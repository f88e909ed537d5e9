package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.AgentConfig;
import io.kuark.agent.AgentFlags;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncPeriodTest {

  @Test
  void aSyncIsDueOncePerPeriodCountedFromTheFirstCheck() {
    MutableClock clock = new MutableClock(Instant.EPOCH);
    SyncPeriod period = new SyncPeriod(Duration.ofSeconds(30), clock);

    assertThat(period.due()).isFalse(); // the first sync just wrote the volumes
    clock.advance(Duration.ofSeconds(29));
    assertThat(period.due()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(period.due()).isTrue();
    assertThat(period.due()).isFalse();
    clock.advance(Duration.ofSeconds(30));
    assertThat(period.due()).isTrue();
  }

  @Test
  void podWorkersSyncVolumesEverySyncFrequency(@TempDir Path dir) throws Exception {
    assertThat(worker(dir, "--sync-frequency=1m30s").volumeSyncPeriod())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(worker(dir).volumeSyncPeriod()).isEqualTo(Duration.ofMinutes(1));
  }

  private static PodWorker worker(Path dir, String... flags) throws Exception {
    String[] args = new String[flags.length + 4];
    args[0] = "--kubeconfig";
    args[1] = dir.resolve("unused").toString();
    args[2] = "--data-dir";
    args[3] = dir.toString();
    System.arraycopy(flags, 0, args, 4, flags.length);
    AgentConfig config = AgentFlags.parse(args);
    PodManager.Deps deps =
        new PodManager.Deps(
            config,
            null,
            null,
            null,
            null,
            null,
            EventRecorder.NONE,
            new MutableClock(Instant.EPOCH));
    PodState state = new PodState();
    state.uid = "u1";
    return new PodWorker(deps, "u1", state, dir.resolve("state.json"));
  }
}
