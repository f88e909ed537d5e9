package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kuark.agent.volume.AtomicWriter;
import io.kuark.agent.volume.PodVolumes;
import io.kuark.agent.volume.RecordingTmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConcurrentReadsTest {

  private Path podDir;

  @BeforeEach
  void setUp() throws Exception {
    podDir = Files.createTempDirectory("kuark-reads");
  }

  @AfterEach
  void tearDown() throws Exception {
    PodWorker.deleteTree(podDir);
  }

  /** The volume upstream's ServiceAccount admission adds to every pod. */
  private static Pod podWithApiAccess() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName("kube-api-access")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("token")
        .withExpirationSeconds(3607L)
        .endServiceAccountToken()
        .endSource()
        .addNewSource()
        .withNewConfigMap()
        .withName("kube-root-ca.crt")
        .addNewItem("ca.crt", null, "ca.crt")
        .endConfigMap()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewContainer()
        .withName("c")
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * Reads from a fake API: the token request answers only once the ConfigMap read has begun (or
   * after a long guard, answering "sequential"), so the token's value says whether they overlapped.
   */
  private static final class OverlapSources implements ContainerStarter.Sources {
    final CountDownLatch configMapStarted = new CountDownLatch(1);
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    private void count(String key) {
      calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) {
      count("configmap/" + name);
      configMapStarted.countDown();
      return Optional.of(Map.of("ca.crt", "CA of " + namespace));
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) {
      count("secret/" + name);
      if (name.equals("broken")) {
        throw new KubernetesClientException("forbidden", 403, null);
      }
      return Optional.of(Map.of("k", "v"));
    }

    @Override
    public Map<String, io.fabric8.kubernetes.api.model.Quantity> nodeAllocatable() {
      return Map.of();
    }

    @Override
    public Optional<String> serviceAccountToken(Pod pod, String audience, Long expiration) {
      count("token");
      try {
        // A guard against hanging forever when the reads are sequential, not a timing check.
        boolean overlapped = configMapStarted.await(30, TimeUnit.SECONDS);
        return Optional.of(overlapped ? "overlapped" : "sequential");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void theTokenRequestAndTheConfigMapReadOfKubeApiAccessOverlap() throws Exception {
    Pod pod = podWithApiAccess();
    Container container = pod.getSpec().getContainers().get(0);
    OverlapSources api = new OverlapSources();

    ContainerStarter.Sources reads = ConcurrentReads.start(pod, container, podDir, api);
    Map<String, Path> volumes = PodVolumes.prepare(pod, podDir, reads, new RecordingTmpfs());

    Path dir = volumes.get("kube-api-access");
    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("overlapped");
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo("CA of ns");
    assertThat(api.calls.get("token")).hasValue(1);
    assertThat(api.calls.get("configmap/kube-root-ca.crt")).hasValue(1);
  }

  @Test
  void volumesWrittenByAnEarlierStartAreNotReadAgain() throws Exception {
    Pod pod = podWithApiAccess();
    Path written = podDir.resolve("volumes").resolve("kube-api-access");
    Files.createDirectories(written.resolve("..2026_11_28"));
    Files.createSymbolicLink(written.resolve(AtomicWriter.DATA), Path.of("..2026_11_28"));
    OverlapSources api = new OverlapSources();

    ContainerStarter.Sources reads =
        ConcurrentReads.start(pod, pod.getSpec().getContainers().get(0), podDir, api);
    PodVolumes.prepare(pod, podDir, reads, new RecordingTmpfs());

    assertThat(api.calls).isEmpty();
  }

  @Test
  void eachObjectIsReadOnceAndAFailedReadThrowsToItsReader() {
    Pod pod = podWithApiAccess();
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewEnvFrom()
            .withNewSecretRef()
            .withName("broken")
            .endSecretRef()
            .endEnvFrom()
            .addNewEnv()
            .withName("A")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("kube-root-ca.crt")
            .withKey("ca.crt")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .build();
    OverlapSources api = new OverlapSources();

    ContainerStarter.Sources reads = ConcurrentReads.start(pod, container, podDir, api);

    assertThatThrownBy(
            () -> EnvResolver.resolve(pod, container, List.of(), "10.0.0.2", "10.0.0.1", reads))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("forbidden");
    assertThat(reads.configMap("ns", "kube-root-ca.crt")).contains(Map.of("ca.crt", "CA of ns"));
    assertThat(reads.serviceAccountToken(pod, null, 3607L)).contains("overlapped");
    assertThat(api.calls.get("secret/broken")).hasValue(1);
    assertThat(api.calls.get("configmap/kube-root-ca.crt")).hasValue(1);
    assertThat(api.calls.get("token")).hasValue(1);
  }
}
