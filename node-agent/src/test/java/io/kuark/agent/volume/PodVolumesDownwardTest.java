package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFileBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodVolumesDownwardTest {

  private static DownwardAPIVolumeFile item(String path, String container, String resource) {
    return new DownwardAPIVolumeFileBuilder()
        .withPath(path)
        .withResourceFieldRef(new ResourceFieldSelector(container, new Quantity("1Mi"), resource))
        .build();
  }

  private static Pod pod(DownwardAPIVolumeFile... items) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .addNewVolume()
        .withName("info")
        .withNewDownwardAPI()
        .withItems(items)
        .endDownwardAPI()
        .endVolume()
        .addNewVolume()
        .withName("all")
        .withNewProjected()
        .addNewSource()
        .withNewDownwardAPI()
        .withItems(items)
        .endDownwardAPI()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewContainer()
        .withName("app")
        .withNewResources()
        .addToLimits("memory", new Quantity("64Mi"))
        .addToRequests("memory", new Quantity("16Mi"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void resourceFieldRefItemsAreWrittenInBothVolumeKinds(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();

    PodVolumes.prepare(
        pod(
            item("mem_limit", "app", "limits.memory"),
            item("mem_request", "app", "requests.memory")),
        podDir,
        sources,
        new RecordingTmpfs());

    for (String volume : new String[] {"info", "all"}) {
      Path dir = podDir.resolve("volumes").resolve(volume);
      assertThat(Files.readString(dir.resolve("mem_limit"))).isEqualTo("64");
      assertThat(Files.readString(dir.resolve("mem_request"))).isEqualTo("16");
    }
  }

  @Test
  void aMissingLimitIsTheNodesAllocatable(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();

    DownwardAPIVolumeFile millicores =
        new DownwardAPIVolumeFileBuilder()
            .withPath("cpu_limit")
            .withResourceFieldRef(
                new ResourceFieldSelector("app", new Quantity("1m"), "limits.cpu"))
            .build();

    PodVolumes.prepare(pod(millicores), podDir, sources, new RecordingTmpfs());

    // FakeSources' node has 4 allocatable cpus.
    assertThat(Files.readString(podDir.resolve("volumes/info/cpu_limit"))).isEqualTo("4000");
  }

  @Test
  void anUnknownResourceFailsTheVolume(@TempDir Path podDir) {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();

    assertThatThrownBy(
            () ->
                PodVolumes.prepare(
                    pod(item("gpu", "app", "limits.gpu")), podDir, sources, new RecordingTmpfs()))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessageContaining("unsupported container resource : limits.gpu");
    assertThat(podDir.resolve("volumes/info")).doesNotExist();
  }

  @Test
  void aVolumeItemMustNameAnExistingContainer(@TempDir Path podDir) {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();

    assertThatThrownBy(
            () ->
                PodVolumes.prepare(
                    pod(item("x", "other", "limits.cpu")), podDir, sources, new RecordingTmpfs()))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessage("container other not found");
    assertThatThrownBy(
            () ->
                PodVolumes.prepare(
                    pod(item("x", null, "limits.cpu")), podDir, sources, new RecordingTmpfs()))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessageContaining("containerName is required");
  }

  @Test
  void fieldRefItemsByKeyAndUnsupportedPaths(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    Pod pod =
        pod(
            new DownwardAPIVolumeFileBuilder()
                .withPath("app")
                .withNewFieldRef()
                .withFieldPath("metadata.labels['app']")
                .endFieldRef()
                .build());
    pod.getMetadata().setLabels(java.util.Map.of("app", "web"));

    PodVolumes.prepare(pod, podDir, sources, new RecordingTmpfs());

    assertThat(Files.readString(podDir.resolve("volumes/info/app"))).isEqualTo("web");
    assertThat(Files.readString(podDir.resolve("volumes/all/app"))).isEqualTo("web");

    Pod unsupported =
        pod(
            new DownwardAPIVolumeFileBuilder()
                .withPath("node")
                .withNewFieldRef()
                .withFieldPath("spec.nodeName")
                .endFieldRef()
                .build());
    assertThatThrownBy(
            () ->
                PodVolumes.prepare(
                    unsupported, podDir.resolve("other"), sources, new RecordingTmpfs()))
        .isInstanceOf(PodVolumes.VolumeException.class)
        .hasMessage("unsupported fieldPath: spec.nodeName");
  }
}
