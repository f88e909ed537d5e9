package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

/**
 * The agent API finds a pod with the status the agent last wrote, not the older one its informer
 * may still hold: {@code kubectl run -it} attaches the moment it sees Running.
 */
class PodOwnStatusTest {

  private static final Pod SEEN =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("default")
          .withName("shell")
          .withUid("u1")
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("shell")
          .withImage("kuark.local/demo:latest")
          .withTty(true)
          .withStdin(true)
          .withStdinOnce(true)
          .endContainer()
          .endSpec()
          .withNewStatus()
          .withPhase("Pending")
          .addNewContainerStatus()
          .withName("shell")
          .withNewState()
          .withNewWaiting()
          .withReason("ContainerCreating")
          .endWaiting()
          .endState()
          .endContainerStatus()
          .endStatus()
          .build();

  private static final PodStatus RUNNING =
      new PodStatusBuilder()
          .withPhase("Running")
          .addNewContainerStatus()
          .withName("shell")
          .withContainerID("runc://abc")
          .withNewState()
          .withNewRunning()
          .withStartedAt("2026-11-27T19:00:00Z")
          .endRunning()
          .endState()
          .endContainerStatus()
          .build();

  @Test
  void theStatusTheAgentWroteWinsOverTheInformersOlderOne() {
    Pod found = PodManager.withOwnStatus(SEEN, RUNNING);

    assertThat(found.getStatus().getPhase()).isEqualTo("Running");
    assertThat(found.getStatus().getContainerStatuses().get(0).getContainerID())
        .isEqualTo("runc://abc");
    assertThat(found.getMetadata()).isSameAs(SEEN.getMetadata());
    assertThat(found.getSpec()).isSameAs(SEEN.getSpec());
    // The informer's object is shared with its other readers and stays as it was.
    assertThat(SEEN.getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void beforeTheAgentWroteAStatusTheInformersPodIsUsed() {
    assertThat(PodManager.withOwnStatus(SEEN, null)).isSameAs(SEEN);
  }
}
