package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

  private static final EnvResolver.Sources SOURCES =
      new EnvResolver.Sources() {
        @Override
        public Optional<Map<String, String>> configMap(String namespace, String name) {
          return name.equals("settings") ? Optional.of(Map.of("mode", "fast")) : Optional.empty();
        }

        @Override
        public Optional<Map<String, String>> secret(String namespace, String name) {
          return name.equals("creds")
              ? Optional.of(Map.of("password", "s3cret"))
              : Optional.empty();
        }

        @Override
        public Map<String, Quantity> nodeAllocatable() {
          return Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"));
        }
      };

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("web-1")
          .withNamespace("shop")
          .withUid("u-1")
          .addToLabels("app", "web")
          .endMetadata()
          .withNewSpec()
          .withNodeName("n1")
          .endSpec()
          .build();

  @Test
  void podEnvOverridesImageEnvAndExpandsEarlierValues() throws Exception {
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv()
            .withName("PATH")
            .withValue("/opt/bin:$(PATH)")
            .endEnv()
            .addNewEnv()
            .withName("GREETING")
            .withValue("hello $(POD_NAME)")
            .endEnv()
            .build();
    Map<String, String> env =
        EnvResolver.resolve(
            POD, container, List.of("PATH=/bin", "LANG=C"), "10.42.0.9", "192.168.1.2", SOURCES);
    assertThat(env)
        .containsEntry("PATH", "/opt/bin:/bin")
        .containsEntry("LANG", "C")
        .containsEntry("HOSTNAME", "web-1");
    // POD_NAME is not defined before GREETING, so the reference stays as written.
    assertThat(env).containsEntry("GREETING", "hello $(POD_NAME)");
  }

  @Test
  void resolvesFieldConfigMapAndSecretReferences() throws Exception {
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv()
            .withName("NS")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("APP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.labels['app']")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MODE")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("settings")
            .withKey("mode")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("PW")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("creds")
            .withKey("password")
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("OPT")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("missing")
            .withKey("x")
            .withOptional(true)
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .build();
    Map<String, String> env =
        EnvResolver.resolve(POD, container, List.of(), "10.42.0.9", "192.168.1.2", SOURCES);
    assertThat(env)
        .containsEntry("NS", "shop")
        .containsEntry("IP", "10.42.0.9")
        .containsEntry("APP", "web")
        .containsEntry("MODE", "fast")
        .containsEntry("PW", "s3cret")
        .doesNotContainKey("OPT");
  }

  @Test
  void aMissingRequiredReferenceIsAConfigError() {
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("settings")
            .withKey("nope")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> EnvResolver.resolve(POD, container, List.of(), null, null, SOURCES))
        .isInstanceOf(EnvResolver.ConfigException.class)
        .hasMessageContaining("couldn't find key nope");
  }

  @Test
  void envFromAddsPrefixedKeys() throws Exception {
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewEnvFrom()
            .withPrefix("CFG_")
            .withNewConfigMapRef()
            .withName("settings")
            .endConfigMapRef()
            .endEnvFrom()
            .build();
    assertThat(EnvResolver.resolve(POD, container, List.of(), null, null, SOURCES))
        .containsEntry("CFG_mode", "fast");
  }

  private static Container withResourceEnv(String name, ResourceFieldSelector ref) {
    return new ContainerBuilder()
        .withName("c")
        .withNewResources()
        .addToLimits("cpu", new Quantity("250m"))
        .endResources()
        .addNewEnv()
        .withName(name)
        .withNewValueFrom()
        .withResourceFieldRef(ref)
        .endValueFrom()
        .endEnv()
        .build();
  }

  @Test
  void resourceFieldRefGivesTheContainersOwnLimitsOrTheNodes() throws Exception {
    Container container =
        new ContainerBuilder(
                withResourceEnv("CPU", new ResourceFieldSelector(null, null, "limits.cpu")))
            .addNewEnv()
            .withName("MILLICPU")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.cpu")
            .withDivisor(new Quantity("1m"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MEMORY_MI")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.memory")
            .withDivisor(new Quantity("1Mi"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .build();

    Map<String, String> env = EnvResolver.resolve(POD, container, List.of(), null, null, SOURCES);

    assertThat(env)
        .containsEntry("CPU", "1")
        .containsEntry("MILLICPU", "250")
        .containsEntry("MEMORY_MI", "4096"); // no memory limit: the node's allocatable
  }

  @Test
  void anUnknownResourceIsAConfigError() {
    Container container =
        withResourceEnv("GPU", new ResourceFieldSelector(null, null, "limits.nvidia.com/gpu"));

    assertThatThrownBy(() -> EnvResolver.resolve(POD, container, List.of(), null, null, SOURCES))
        .isInstanceOf(EnvResolver.ConfigException.class)
        .hasMessageContaining("unsupported container resource : limits.nvidia.com/gpu");
  }
}
