package io.kuark.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RetryTest {

  @Test
  void registrationBacksOffAsKubeletFrom100MsDoublingTo7s() {
    RetryBackoff backoff = RetryBackoff.nodeRegistration();
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      waits.add(backoff.next().toMillis());
    }
    assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 7000L, 7000L);
  }

  /** Would hang for a day without the stop signal; the timeout only turns a hang into a failure. */
  @Test
  @Timeout(10)
  void aWaitEndsOnceStopIsSignalled() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    stop.countDown();

    RetryWait.until(stop).sleep(Duration.ofDays(1));
  }

  @Test
  void aRefusalSaysWhatItMeansAndAConnectionErrorItsCause() {
    KubernetesClientException forbidden = new KubernetesClientException("Forbidden", 403, null);
    KubernetesClientException unauthorized =
        new KubernetesClientException("Unauthorized", 401, null);
    KubernetesClientException refused =
        new KubernetesClientException(
            "An error has occurred.", new ConnectException("Connection refused"));

    assertThat(RequestFailures.reason(forbidden))
        .startsWith("Forbidden [")
        .contains("authorization");
    assertThat(RequestFailures.reason(unauthorized)).contains("--token");
    assertThat(RequestFailures.reason(refused))
        .isEqualTo("An error has occurred. (Connection refused)");
  }
}
