package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root (chown to a group the test user is not in); everything lives in a temp dir. */
class VolumeOwnershipTest {

  private static final int FS_GROUP = 4321;

  private static Pod pod(String changePolicy, Integer defaultMode) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withNewSecurityContext()
        .withFsGroup((long) FS_GROUP)
        .withFsGroupChangePolicy(changePolicy)
        .endSecurityContext()
        .addNewVolume()
        .withName("scratch")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("cfg")
        .withNewConfigMap()
        .withName("settings")
        .withDefaultMode(defaultMode)
        .endConfigMap()
        .endVolume()
        .addNewContainer()
        .withName("c")
        .endContainer()
        .endSpec()
        .build();
  }

  private static int gid(Path path) throws Exception {
    return (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path path) throws Exception {
    return (Integer) Files.getAttribute(path, "unix:mode") & 07777;
  }

  @Test
  void anEmptyDirGetsTheGroupSetgidAndGroupWrite(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));

    PodVolumes.prepare(pod(null, null), podDir, sources, new RecordingTmpfs());

    Path scratch = podDir.resolve("volumes/scratch");
    assertThat(gid(scratch)).isEqualTo(FS_GROUP);
    assertThat(mode(scratch) & 02770).isEqualTo(02770);
  }

  @Test
  void aContainerRestartDoesNotWalkTheEmptyDirAgain(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());
    Path stray = stray(podDir);

    // Every container start prepares the volumes; the agent keeps no memory of them in between,
    // so this is also what a restarted agent does.
    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());

    assertThat(gid(stray)).isZero();
    assertThat(mode(stray)).isEqualTo(0600);
    assertThat(gid(podDir.resolve("volumes/scratch"))).isEqualTo(FS_GROUP);
  }

  @Test
  void aNewPodsEmptyDirIsOwned(@TempDir Path pods) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("Always", null), pods.resolve("u1"), sources, new RecordingTmpfs());

    PodVolumes.prepare(pod("Always", null), pods.resolve("u2"), sources, new RecordingTmpfs());

    assertThat(gid(pods.resolve("u2/volumes/scratch"))).isEqualTo(FS_GROUP);
  }

  @Test
  void anEmptyDirWithoutReadyMarkerIsSetUpAgainByItsPolicy(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());
    Path stray = stray(podDir);
    Path marker = EmptyDirSetUp.readyMarker(podDir, "scratch");
    assertThat(marker).exists();

    // As an agent from before the marker left its volumes: OnRootMismatch trusts a matching root.
    Files.delete(marker);
    PodVolumes.prepare(pod("OnRootMismatch", null), podDir, sources, new RecordingTmpfs());
    assertThat(gid(stray)).isZero();
    assertThat(marker).exists();

    Files.delete(marker);
    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());
    assertThat(gid(stray)).isEqualTo(FS_GROUP);
    assertThat(mode(stray)).isEqualTo(0660);
  }

  @Test
  void aMarkerWhoseDirectoryWasRemovedIsStale(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());
    Path scratch = podDir.resolve("volumes/scratch");
    Files.delete(scratch);

    PodVolumes.prepare(pod("Always", null), podDir, sources, new RecordingTmpfs());

    assertThat(gid(scratch)).isEqualTo(FS_GROUP);
    assertThat(mode(scratch) & 02770).isEqualTo(02770);
  }

  /** A file a container made in the emptyDir, with a group and mode the fsGroup walk changes. */
  private static Path stray(Path podDir) throws Exception {
    Path stray = podDir.resolve("volumes/scratch/stray");
    Files.writeString(stray, "x");
    Files.setAttribute(stray, "unix:gid", 0);
    Files.setAttribute(stray, "unix:mode", 0600);
    return stray;
  }

  @Test
  void configMapFilesAreGroupReadableAndStaySoAfterASwap(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    Pod pod = pod(null, 0400);

    PodVolumes.prepare(pod, podDir, sources, new RecordingTmpfs());

    Path cfg = podDir.resolve("volumes/cfg");
    assertOwned(cfg);
    Path first = cfg.resolve(Files.readSymbolicLink(cfg.resolve("..data")));
    // Owned modes are what the writer expects: an unchanged source rewrites nothing.
    assertThat(PodVolumes.refresh(pod, podDir, sources, TokenRenewal.ALWAYS).rewritten()).isEmpty();

    sources.configMaps.put("ns/settings", Map.of("level", "debug"));
    assertThat(PodVolumes.refresh(pod, podDir, sources, TokenRenewal.ALWAYS).rewritten())
        .containsExactly("cfg");

    assertThat(first).doesNotExist();
    assertThat(Files.readString(cfg.resolve("level"))).isEqualTo("debug");
    assertOwned(cfg);
  }

  private static void assertOwned(Path cfg) throws Exception {
    Path content = cfg.resolve(Files.readSymbolicLink(cfg.resolve("..data")));
    assertThat(gid(cfg)).isEqualTo(FS_GROUP);
    assertThat(gid(content)).isEqualTo(FS_GROUP);
    assertThat(mode(content)).isEqualTo(02755); // r-x for the group, setgid, no group write
    assertThat(gid(content.resolve("level"))).isEqualTo(FS_GROUP);
    assertThat(mode(content.resolve("level"))).isEqualTo(0440); // defaultMode 0400 + group read
    assertThat(gid(cfg.resolve("..data"))).isEqualTo(FS_GROUP);
    assertThat(gid(cfg.resolve("level"))).isEqualTo(FS_GROUP);
  }

  @Test
  void withoutFsGroupNothingChanges(@TempDir Path podDir) throws Exception {
    PodVolumesRefreshTest.FakeSources sources = new PodVolumesRefreshTest.FakeSources();
    sources.configMaps.put("ns/settings", Map.of("level", "info"));
    Pod pod = pod(null, 0400);
    pod.getSpec().setSecurityContext(null);

    PodVolumes.prepare(pod, podDir, sources, new RecordingTmpfs());

    assertThat(gid(podDir.resolve("volumes/scratch"))).isZero();
    assertThat(mode(podDir.resolve("volumes/cfg/..data/level"))).isEqualTo(0400);
  }
}
