package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root (chown); everything lives in a temp dir. */
class TokenFilesTest {

  private static final long FS_GROUP = 4321;

  /** A pod with a projected token and downward API file, one init and two app containers. */
  private static Pod pod(Long podUser, Long fsGroup, Long initUser, Long appUser, Long sideUser) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("p")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withSecurityContext(
            new PodSecurityContextBuilder().withRunAsUser(podUser).withFsGroup(fsGroup).build())
        .addNewVolume()
        .withName("api")
        .withNewProjected()
        .addNewSource()
        .withNewServiceAccountToken()
        .withPath("token")
        .withExpirationSeconds(3600L)
        .endServiceAccountToken()
        .endSource()
        .addNewSource()
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("name")
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .endSource()
        .endProjected()
        .endVolume()
        .addNewInitContainer()
        .withName("init")
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(initUser).build())
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(appUser).build())
        .endContainer()
        .addNewContainer()
        .withName("side")
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(sideUser).build())
        .endContainer()
        .endSpec()
        .build();
  }

  private static Path write(Pod pod, Path podDir) throws Exception {
    PodVolumes.prepare(pod, podDir, new PodVolumesRefreshTest.FakeSources(), new RecordingTmpfs());
    return podDir.resolve("volumes/api/..data");
  }

  private static int attribute(Path path, String name) throws Exception {
    return (Integer) Files.getAttribute(path, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path path) throws Exception {
    return attribute(path, "mode") & 07777;
  }

  @Test
  void containersSharingOneUserOwnTheTokenAlone(@TempDir Path podDir) throws Exception {
    // The pod's user for two containers, the same user named by the third.
    Path data = write(pod(1234L, null, null, 1234L, null), podDir);

    assertThat(attribute(data.resolve("token"), "uid")).isEqualTo(1234);
    assertThat(mode(data.resolve("token"))).isEqualTo(0600);
    // The volume's other files keep the defaultMode and the agent's ownership.
    assertThat(attribute(data.resolve("name"), "uid")).isZero();
    assertThat(mode(data.resolve("name"))).isEqualTo(0644);
  }

  @Test
  void aContainerUserOverridesThePodUser(@TempDir Path podDir) throws Exception {
    Path data = write(pod(1234L, null, 1234L, 1234L, 999L), podDir);

    assertThat(attribute(data.resolve("token"), "uid")).isZero();
    assertThat(mode(data.resolve("token"))).isEqualTo(0644);
  }

  @Test
  void anInitContainerWithoutUserLeavesTheDefaults(@TempDir Path podDir) throws Exception {
    Path data = write(pod(null, null, null, 1234L, 1234L), podDir);

    assertThat(attribute(data.resolve("token"), "uid")).isZero();
    assertThat(mode(data.resolve("token"))).isEqualTo(0644);
  }

  @Test
  void anFsGroupMakesTheTokenGroupReadableOnly(@TempDir Path podDir) throws Exception {
    Path data = write(pod(null, FS_GROUP, 1L, 2L, 3L), podDir);

    Path token = data.resolve("token");
    assertThat(attribute(token, "uid")).isZero();
    assertThat(attribute(token, "gid")).isEqualTo((int) FS_GROUP);
    assertThat(mode(token)).isEqualTo(0640);
  }

  @Test
  void aSharedUserAndAnFsGroupBothApply(@TempDir Path podDir) throws Exception {
    Pod pod = pod(1234L, FS_GROUP, null, null, null);
    Path data = write(pod, podDir);

    Path token = data.resolve("token");
    assertThat(attribute(token, "uid")).isEqualTo(1234);
    assertThat(attribute(token, "gid")).isEqualTo((int) FS_GROUP);
    assertThat(mode(token)).isEqualTo(0640);
    // The owner is part of what the writer compares: an unchanged token is not written again.
    TokenRenewal notDue = current -> false;
    assertThat(
            PodVolumes.refresh(pod, podDir, new PodVolumesRefreshTest.FakeSources(), notDue)
                .rewritten())
        .isEmpty();
  }
}
