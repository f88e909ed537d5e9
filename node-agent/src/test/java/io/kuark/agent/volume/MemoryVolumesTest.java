package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryVolumesTest {

  private static final long MI = 1024L * 1024L;

  /** A node with 8Gi allocatable memory; one Secret {@code creds} unless removed. */
  static final class Sources implements PodVolumes.Sources {
    final Map<String, Map<String, String>> secrets =
        new HashMap<>(Map.of("ns/creds", Map.of("password", "s3cret")));

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) {
      return Optional.of(Map.of("level", "info"));
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) {
      return Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    @Override
    public Optional<String> serviceAccountToken(Pod pod, String audience, Long expiration) {
      return Optional.of("token-for-" + pod.getMetadata().getName());
    }

    @Override
    public Map<String, Quantity> nodeAllocatable() {
      return Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"));
    }
  }

  /** A pod with one volume of every written kind, an emptyDir, and the given containers. */
  static Pod pod(Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName("cfg")
        .withNewConfigMap()
        .withName("settings")
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("creds")
        .withNewSecret()
        .withSecretName("creds")
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("kube-api-access")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("token")
        .endServiceAccountToken()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewVolume()
        .withName("info")
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("name")
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .endVolume()
        .addNewVolume()
        .withName("scratch")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addAllToContainers(List.of(containers))
        .endSpec()
        .build();
  }

  static Container container(String name, String memoryLimit) {
    ContainerBuilder builder = new ContainerBuilder().withName(name);
    if (memoryLimit != null) {
      builder.withNewResources().addToLimits("memory", new Quantity(memoryLimit)).endResources();
    }
    return builder.build();
  }

  @Test
  void secretProjectedAndDownwardApiVolumesGetATmpfsConfigMapAndEmptyDirDoNot(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();

    PodVolumes.prepare(pod(container("app", null)), podDir, new Sources(), kernel);

    Path volumes = podDir.resolve("volumes");
    assertThat(kernel.mounted.keySet())
        .containsExactlyInAnyOrder(
            volumes.resolve("creds"), volumes.resolve("kube-api-access"), volumes.resolve("info"));
    assertThat(Files.readString(volumes.resolve("creds/password"))).isEqualTo("s3cret");
    assertThat(Files.readString(volumes.resolve("kube-api-access/token"))).isEqualTo("token-for-p");
  }

  @Test
  void theTmpfsIsAsLargeAsTheNodesAllocatableMemoryOrThePodsSmallerLimit(@TempDir Path dir)
      throws Exception {
    RecordingTmpfs unlimited = new RecordingTmpfs();
    PodVolumes.prepare(
        pod(container("a", "64Mi"), container("b", null)),
        dir.resolve("u1"),
        new Sources(),
        unlimited);
    RecordingTmpfs limited = new RecordingTmpfs();
    PodVolumes.prepare(
        pod(container("a", "64Mi"), container("b", "32Mi")),
        dir.resolve("u2"),
        new Sources(),
        limited);

    // One container without a limit: the pod has none, the node's allocatable bounds the volume.
    assertThat(unlimited.mounted.values()).containsOnly("size=" + 8192 * MI);
    assertThat(limited.mounted.values()).containsOnly("size=" + 96 * MI);
  }

  @Test
  void thePodsMemoryLimitCountsInitContainersSidecarsAndOverheadAsKubeletDoes() {
    Pod pod = pod(container("app", "100Mi"));
    Container sidecar = container("proxy", "20Mi");
    sidecar.setRestartPolicy("Always");
    pod.getSpec().setInitContainers(List.of(container("setup", "50Mi"), sidecar));
    assertThat(MemoryVolumeSize.podMemoryLimit(pod)).hasValue(120 * MI);

    pod.getSpec().setInitContainers(List.of(sidecar, container("migrate", "500Mi")));
    pod.getSpec().setOverhead(Map.of("memory", new Quantity("10Mi")));
    assertThat(MemoryVolumeSize.podMemoryLimit(pod)).hasValue(530 * MI);

    pod.getSpec().setInitContainers(List.of(container("unbounded", null)));
    assertThat(MemoryVolumeSize.podMemoryLimit(pod)).isEmpty();
    // A limit above the node's allocatable memory does not size the volume.
    assertThat(
            MemoryVolumeSize.bytes(
                pod(container("app", "16Gi")), Map.of("memory", new Quantity("8Gi"))))
        .hasValue(8192 * MI);
    assertThat(MemoryVolumeSize.bytes(pod(container("app", null)), Map.of()))
        .isEqualTo(OptionalLong.empty());
  }

  @Test
  void aRestartedAgentReusesTheMountedVolumesAndTheirContent(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Sources sources = new Sources();
    Pod pod = pod(container("app", null));
    PodVolumes.prepare(pod, podDir, sources, kernel);
    Map<Path, String> before = Map.copyOf(kernel.mounted);
    Path data = podDir.resolve("volumes/creds/" + AtomicWriter.DATA);
    Path target = Files.readSymbolicLink(data);

    // Another start (container restart, or a new agent process): RecordingTmpfs fails a second
    // mount on the same directory.
    PodVolumes.prepare(pod, podDir, sources, kernel);

    assertThat(kernel.mounted).isEqualTo(before);
    assertThat(Files.readSymbolicLink(data)).isEqualTo(target);
  }

  @Test
  void aTmpfsWhoseContentWasNeverWrittenIsFilledNotMountedAgain(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Path creds = podDir.resolve("volumes/creds");
    Files.createDirectories(creds);
    kernel.mountTmpfs(creds, null); // the agent stopped between mount and write

    PodVolumes.prepare(pod(container("app", null)), podDir, new Sources(), kernel);

    assertThat(kernel.mounted.get(creds)).isEmpty();
    assertThat(Files.readString(creds.resolve("password"))).isEqualTo("s3cret");
  }

  @Test
  void aVolumeThatCannotBeWrittenIsUnmountedAndRemovedForTheNextTry(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Sources sources = new Sources();
    sources.secrets.clear();

    assertThatThrownBy(
            () -> PodVolumes.prepare(pod(container("app", null)), podDir, sources, kernel))
        .isInstanceOf(PodVolumes.VolumeException.class);

    assertThat(kernel.mounted).doesNotContainKey(podDir.resolve("volumes/creds"));
    assertThat(podDir.resolve("volumes/creds")).doesNotExist();
  }

  @Test
  void unmountAllTakesEveryVolumeMountOfThePodAway(@TempDir Path podDir) throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    PodVolumes.prepare(pod(container("app", null)), podDir, new Sources(), kernel);
    assertThat(kernel.mounted).hasSize(3);

    MemoryVolumes.unmountAll(podDir, kernel);
    MemoryVolumes.unmountAll(podDir.resolve("gone"), kernel);

    assertThat(kernel.mounted).isEmpty();
  }

  /** {@code pod} with an emptyDir {@code name} of {@code medium}, limited to {@code sizeLimit}. */
  static Pod withEmptyDir(Pod pod, String name, String medium, String sizeLimit) {
    return new PodBuilder(pod)
        .editSpec()
        .addNewVolume()
        .withName(name)
        .withNewEmptyDir()
        .withMedium(medium)
        .withSizeLimit(sizeLimit == null ? null : new Quantity(sizeLimit))
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  @Test
  void aMemoryEmptyDirIsATmpfsSizedByItsSizeLimitWhenThatIsSmallerAndADiskOneIsNot(
      @TempDir Path podDir) throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Pod pod = pod(container("app", "64Mi"));
    pod = withEmptyDir(pod, "small", "Memory", "16Mi");
    pod = withEmptyDir(pod, "large", "Memory", "1Gi");
    pod = withEmptyDir(pod, "unlimited", "Memory", null);
    pod = withEmptyDir(pod, "disk", "", "16Mi");

    PodVolumes.prepare(pod, podDir, new Sources(), kernel);

    Path volumes = podDir.resolve("volumes");
    assertThat(kernel.mounted)
        .containsEntry(volumes.resolve("small"), "size=" + 16 * MI)
        .containsEntry(volumes.resolve("large"), "size=" + 64 * MI)
        .containsEntry(volumes.resolve("unlimited"), "size=" + 64 * MI)
        .doesNotContainKey(volumes.resolve("disk"))
        .doesNotContainKey(volumes.resolve("scratch"));
    assertThat(volumes.resolve("disk")).isDirectory();
    assertThat(EmptyDirSetUp.readyMarker(podDir, "small")).exists();
    // Without a pod limit the node's allocatable memory bounds it, and a smaller sizeLimit it.
    assertThat(
            MemoryVolumeSize.bytes(
                pod(container("app", null)), Map.of("memory", new Quantity("8Gi")), null))
        .hasValue(8192 * MI);
    assertThat(MemoryVolumeSize.bytes(pod(container("app", null)), Map.of(), new Quantity("1Mi")))
        .hasValue(MI);
  }

  @Test
  void aMemoryEmptyDirIsMountedOnceAcrossStartsAndAgainAfterAReboot(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Pod pod = withEmptyDir(pod(container("app", null)), "ram", "Memory", "8Mi");
    Path ram = podDir.resolve("volumes/ram");
    PodVolumes.prepare(pod, podDir, new Sources(), kernel);

    // A container restart or a restarted agent: RecordingTmpfs fails a second mount.
    PodVolumes.prepare(pod, podDir, new Sources(), kernel);
    assertThat(kernel.mounted).containsEntry(ram, "size=" + 8 * MI);

    // A reboot: the ready marker is on disk, the tmpfs is gone.
    RecordingTmpfs rebooted = new RecordingTmpfs();
    PodVolumes.prepare(pod, podDir, new Sources(), rebooted);
    assertThat(rebooted.mounted).containsEntry(ram, "size=" + 8 * MI);
  }

  @Test
  void aMemoryEmptyDirAnOlderAgentSetUpOnDiskKeepsItsFiles(@TempDir Path podDir) throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Path ram = podDir.resolve("volumes/ram");
    Files.createDirectories(ram);
    Files.writeString(ram.resolve("state"), "kept");
    Files.createDirectories(EmptyDirSetUp.readyMarker(podDir, "ram").getParent());
    Files.writeString(EmptyDirSetUp.readyMarker(podDir, "ram"), "");

    PodVolumes.prepare(
        withEmptyDir(pod(container("app", null)), "ram", "Memory", null),
        podDir,
        new Sources(),
        kernel);

    assertThat(kernel.mounted).doesNotContainKey(ram);
    assertThat(Files.readString(ram.resolve("state"))).isEqualTo("kept");
  }

  @Test
  void anEmptyDirOfAnUnknownOrHugePagesMediumFailsAndIsNotPutOnDisk(@TempDir Path podDir) {
    RecordingTmpfs kernel = new RecordingTmpfs();
    Pod unknown = withEmptyDir(pod(container("app", null)), "fast", "Optane", null);
    Pod huge = withEmptyDir(pod(container("app", null)), "huge", "HugePages-2Mi", null);

    assertThatThrownBy(() -> PodVolumes.prepare(unknown, podDir, new Sources(), kernel))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessage(
            "MountVolume.SetUp failed for volume \"fast\" : unknown storage medium \"Optane\"");
    assertThatThrownBy(() -> PodVolumes.prepare(huge, podDir, new Sources(), kernel))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessageContaining("\"HugePages-2Mi\" is not supported on this node");
    assertThat(podDir.resolve("volumes/fast")).doesNotExist();
    assertThat(podDir.resolve("volumes/huge")).doesNotExist();
    assertThat(kernel.mounted.keySet())
        .noneMatch(dir -> dir.endsWith("fast") || dir.endsWith("huge"));
  }

  @Test
  void aFirstStartDoesNotReadTheMountTableForDirectoriesItJustMade(@TempDir Path podDir)
      throws Exception {
    RecordingTmpfs kernel = new RecordingTmpfs();

    PodVolumes.prepare(
        withEmptyDir(pod(container("app", null)), "ram", "Memory", null),
        podDir,
        new Sources(),
        kernel);

    assertThat(kernel.mounted).hasSize(4);
    assertThat(kernel.mountChecks).isZero();
  }
}
