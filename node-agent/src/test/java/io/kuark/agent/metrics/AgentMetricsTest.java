package io.kuark.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import io.kuark.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

  private final AgentMetrics metrics = new AgentMetrics();

  @Test
  void histogramsAreCumulativeWithSumAndCount() {
    metrics.podSynced(0.003, false);
    metrics.podSynced(0.2, false);
    metrics.podSynced(20, true);
    String text = metrics.render();
    assertThat(text)
        .contains("# TYPE kubelet_pod_worker_duration_seconds histogram\n")
        .contains(
            "kubelet_pod_worker_duration_seconds_bucket{operation_type=\"sync\",le=\"0.005\"} 1\n")
        .contains(
            "kubelet_pod_worker_duration_seconds_bucket{operation_type=\"sync\",le=\"0.25\"} 2\n")
        .contains(
            "kubelet_pod_worker_duration_seconds_bucket{operation_type=\"sync\",le=\"10\"} 2\n")
        .contains(
            "kubelet_pod_worker_duration_seconds_bucket{operation_type=\"sync\",le=\"+Inf\"} 3\n")
        .contains("kubelet_pod_worker_duration_seconds_count{operation_type=\"sync\"} 3\n")
        .contains("kuark_agent_pod_sync_errors_total 1\n");
    assertThat(text)
        .contains("process_resident_memory_bytes ")
        .contains("process_cpu_seconds_total ")
        .contains("jvm_memory_used_bytes{area=\"heap\"} ")
        .contains("jvm_threads_current ");
  }

  @Test
  void meteredRuntimeCountsOperationsAndErrors() throws Exception {
    ContainerRuntime metered = new MeteredRuntime(new FailingStop(), metrics);
    metered.start("c", Path.of("/b"), Path.of("/l"));
    metered.start("c", Path.of("/b"), Path.of("/l"));
    metered.status("c");
    assertThatThrownBy(() -> metered.stop("c", Duration.ZERO)).isInstanceOf(IOException.class);
    String text = metrics.render();
    assertThat(text)
        .contains("kubelet_runtime_operations_total{operation_type=\"start_container\"} 2\n")
        .contains("kubelet_runtime_operations_total{operation_type=\"container_status\"} 1\n")
        .contains("kubelet_runtime_operations_total{operation_type=\"stop_container\"} 1\n")
        .contains("kubelet_runtime_operations_errors_total{operation_type=\"stop_container\"} 1\n")
        .doesNotContain(
            "kubelet_runtime_operations_errors_total{operation_type=\"start_container\"}")
        .contains(
            "kubelet_runtime_operations_duration_seconds_count{operation_type=\"start_container\"} 2\n");
  }

  @Test
  void podStartIsCountedOnceFromFirstSightToRunning() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:02Z"));
    PodStartTracker tracker = new PodStartTracker(metrics, clock);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withUid("u1")
            .withCreationTimestamp("2026-11-27T10:00:00Z")
            .endMetadata()
            .build();
    tracker.seen(pod);
    clock.advance(Duration.ofMillis(700));
    tracker.statusWritten(pod, new PodStatusBuilder().withPhase("Pending").build());
    assertThat(metrics.podStarts()).isZero();
    tracker.statusWritten(pod, new PodStatusBuilder().withPhase("Running").build());
    tracker.statusWritten(pod, new PodStatusBuilder().withPhase("Running").build());
    assertThat(metrics.podStarts()).isEqualTo(1);
    String text = metrics.render();
    // 0.7 s after first sight, 2.7 s after creation.
    assertThat(text)
        .contains("kubelet_pod_start_duration_seconds_bucket{le=\"0.5\"} 0\n")
        .contains("kubelet_pod_start_duration_seconds_bucket{le=\"1\"} 1\n")
        .contains("kubelet_pod_start_sli_duration_seconds_bucket{le=\"2\"} 0\n")
        .contains("kubelet_pod_start_sli_duration_seconds_bucket{le=\"3\"} 1\n");
  }

  /** A runtime whose stop fails. */
  private static final class FailingStop implements ContainerRuntime {
    @Override
    public Path bundle(String id) {
      return Path.of("/b", id);
    }

    @Override
    public String version() {
      return "fake://1";
    }

    @Override
    public void start(String id, Path bundle, Path logFile) {}

    @Override
    public ContainerStatus status(String id) {
      return ContainerStatus.unknown();
    }

    @Override
    public void stop(String id, Duration grace) throws IOException {
      throw new IOException("no");
    }

    @Override
    public void remove(String id) {}

    @Override
    public List<String> list() {
      return List.of();
    }

    @Override
    public void reattach(String id, Path logFile) {}

    @Override
    public int exec(String id, List<String> command, Duration timeout) {
      return 0;
    }

    @Override
    public ExecProcess execInteractive(String id, List<String> command, boolean tty) {
      throw new UnsupportedOperationException();
    }
  }
}
