package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class SupplementaryGroupsTest {

  @Test
  void fsGroupComesFirstThenSupplementalGroupsWithoutRepeats() {
    Pod pod =
        new PodBuilder()
            .withNewSpec()
            .withNewSecurityContext()
            .withFsGroup(2000L)
            .withSupplementalGroups(3000L, 2000L, 4000L)
            .endSecurityContext()
            .endSpec()
            .build();

    assertThat(ContainerStarter.supplementaryGroups(pod)).containsExactly(2000L, 3000L, 4000L);
  }

  @Test
  void aPodWithoutSecurityContextHasNone() {
    assertThat(
            ContainerStarter.supplementaryGroups(new PodBuilder().withNewSpec().endSpec().build()))
        .isEmpty();
    Pod onlySupplemental =
        new PodBuilder()
            .withNewSpec()
            .withNewSecurityContext()
            .withSupplementalGroups(5000L)
            .endSecurityContext()
            .endSpec()
            .build();
    assertThat(ContainerStarter.supplementaryGroups(onlySupplemental)).containsExactly(5000L);
  }
}
