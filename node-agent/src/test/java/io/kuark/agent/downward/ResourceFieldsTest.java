package io.kuark.agent.downward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceFieldsTest {

  private static final Map<String, Quantity> NODE =
      Map.of(
          "cpu", new Quantity("4"),
          "memory", new Quantity("8Gi"),
          "ephemeral-storage", new Quantity("100Gi"));

  private static final Container APP =
      new ContainerBuilder()
          .withName("app")
          .withNewResources()
          .addToLimits("cpu", new Quantity("250m"))
          .addToLimits("memory", new Quantity("64Mi"))
          .addToLimits("hugepages-2Mi", new Quantity("4Mi"))
          .addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("32Mi"))
          .addToRequests("hugepages-2Mi", new Quantity("4Mi"))
          .endResources()
          .build();

  private static final Container BARE = new ContainerBuilder().withName("bare").build();

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("p")
          .endMetadata()
          .withNewSpec()
          .addToContainers(APP, BARE)
          .addNewInitContainer()
          .withName("setup")
          .withNewResources()
          .addToLimits("memory", new Quantity("1Gi"))
          .endResources()
          .endInitContainer()
          .endSpec()
          .build();

  private static String value(String container, String resource, String divisor) throws Exception {
    return ResourceFields.value(
        new ResourceFieldSelector(
            container, divisor == null ? null : new Quantity(divisor), resource),
        POD,
        null,
        NODE);
  }

  @Test
  void cpuIsRoundedUpToWholeDivisors() throws Exception {
    assertThat(value("app", "limits.cpu", null)).isEqualTo("1");
    assertThat(value("app", "limits.cpu", "1")).isEqualTo("1");
    assertThat(value("app", "limits.cpu", "1m")).isEqualTo("250");
    assertThat(value("app", "requests.cpu", "1m")).isEqualTo("100");
    assertThat(value("app", "limits.cpu", "0")).isEqualTo("1"); // a zero divisor counts as 1
  }

  @Test
  void memoryHugepagesAndRequestsUseTheirOwnAmounts() throws Exception {
    assertThat(value("app", "limits.memory", null)).isEqualTo(Long.toString(64L << 20));
    assertThat(value("app", "limits.memory", "1Mi")).isEqualTo("64");
    assertThat(value("app", "requests.memory", "1M")).isEqualTo("34"); // 33.55 MB, rounded up
    assertThat(value("app", "limits.hugepages-2Mi", "1Mi")).isEqualTo("4");
    assertThat(value("app", "requests.hugepages-2Mi", "1Ki")).isEqualTo("4096");
    assertThat(value("setup", "limits.memory", "1Gi")).isEqualTo("1"); // init containers too
  }

  @Test
  void missingLimitsAreTheNodesAllocatableMissingRequestsZero() throws Exception {
    assertThat(value("bare", "limits.cpu", null)).isEqualTo("4");
    assertThat(value("bare", "limits.memory", "1Gi")).isEqualTo("8");
    assertThat(value("bare", "limits.ephemeral-storage", "1Gi")).isEqualTo("100");
    assertThat(value("app", "limits.ephemeral-storage", "1Gi")).isEqualTo("100");
    assertThat(value("bare", "requests.cpu", "1m")).isEqualTo("0");
    assertThat(value("bare", "requests.memory", null)).isEqualTo("0");
    // Hugepages are never overcommitted: no node fallback.
    assertThat(value("bare", "limits.hugepages-2Mi", null)).isEqualTo("0");
  }

  @Test
  void envUsesItsOwnContainerWhenNoneIsNamed() throws Exception {
    assertThat(
            ResourceFields.value(
                new ResourceFieldSelector(null, new Quantity("1m"), "limits.cpu"), POD, APP, NODE))
        .isEqualTo("250");
    assertThat(
            ResourceFields.value(
                new ResourceFieldSelector("", null, "limits.memory"), POD, BARE, NODE))
        .isEqualTo(Long.toString(8L << 30));
  }

  @Test
  void unknownResourcesAndContainersAreErrors() {
    assertThatThrownBy(() -> value("app", "limits.nvidia.com/gpu", null))
        .isInstanceOf(ResourceFields.ResourceFieldException.class)
        .hasMessage("unsupported container resource : limits.nvidia.com/gpu");
    assertThatThrownBy(() -> value("app", "requests.hugepages-", null))
        .isInstanceOf(ResourceFields.ResourceFieldException.class);
    assertThatThrownBy(() -> value("app", "cpu", null))
        .isInstanceOf(ResourceFields.ResourceFieldException.class);
    assertThatThrownBy(() -> value("nope", "limits.cpu", null))
        .isInstanceOf(ResourceFields.ResourceFieldException.class)
        .hasMessage("container nope not found");
    assertThatThrownBy(() -> value(null, "limits.cpu", null))
        .isInstanceOf(ResourceFields.ResourceFieldException.class)
        .hasMessageContaining("containerName is required");
  }

  @Test
  void hugeQuotientsStopAtTheLargestLong() {
    assertThat(ResourceFields.divideRoundingUp(new Quantity("1e30"), new Quantity("1")))
        .isEqualTo(Long.toString(Long.MAX_VALUE));
    assertThat(ResourceFields.divideRoundingUp(null, new Quantity("1"))).isEqualTo("0");
  }
}
