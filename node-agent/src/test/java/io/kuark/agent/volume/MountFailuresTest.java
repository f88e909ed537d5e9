package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MountFailuresTest {

  private static PodVolumes.Refresh failed(Map<String, String> failures) {
    return new PodVolumes.Refresh(List.of(), failures);
  }

  @Test
  void aFailureIsReportedWhenItStartsOrChangesNotEachMinute() {
    MountFailures failures = new MountFailures();

    assertThat(failures.toReport(failed(Map.of("cfg", "configmap \"a\" not found"))))
        .containsExactly("configmap \"a\" not found");
    assertThat(failures.toReport(failed(Map.of("cfg", "configmap \"a\" not found")))).isEmpty();
    assertThat(failures.toReport(failed(Map.of("cfg", "forbidden")))).containsExactly("forbidden");
    assertThat(
            failures.toReport(failed(Map.of("cfg", "forbidden", "sec", "secret \"s\" not found"))))
        .containsExactly("secret \"s\" not found");
  }

  @Test
  void aVolumeThatRecoveredIsReportedAgainWhenItFailsAgain() {
    MountFailures failures = new MountFailures();
    failures.toReport(failed(Map.of("cfg", "configmap \"a\" not found")));

    assertThat(failures.toReport(failed(Map.of()))).isEmpty();

    assertThat(failures.toReport(failed(Map.of("cfg", "configmap \"a\" not found"))))
        .containsExactly("configmap \"a\" not found");
  }
}
