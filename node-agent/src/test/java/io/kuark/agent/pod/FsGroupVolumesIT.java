package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kuark.agent.Agent;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.runtime.ContainerLaunch;
import io.kuark.agent.runtime.ContainerLaunch.BindMount;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.testing.DemoImage;
import io.kuark.agent.testing.RuncHost;
import io.kuark.agent.volume.MemoryVolumes;
import io.kuark.agent.volume.PodVolumes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod with {@code fsGroup} on real runc: a container running as an unprivileged user that is in
 * no group of the image reads a ConfigMap file of mode 0400 and writes into an emptyDir, both only
 * through the fsGroup the agent gave the volumes and the process; the downward API gives it its
 * memory limit, from the volume's own tmpfs.
 */
class FsGroupVolumesIT {

  private static final long FS_GROUP = 4321;

  private RuncHost host;
  private final HostKernel kernel = Agent.linuxKernel();

  @BeforeEach
  void setUp() throws Exception {
    host = new RuncHost("kuark-fsgroup-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (host != null) {
      MemoryVolumes.unmountAll(host.dir.resolve("pod"), kernel);
      host.close();
    }
  }

  private static final PodVolumes.Sources SOURCES =
      new PodVolumes.Sources() {
        @Override
        public Optional<Map<String, String>> configMap(String namespace, String name) {
          return Optional.of(Map.of("level", "info"));
        }

        @Override
        public Optional<Map<String, String>> secret(String namespace, String name) {
          return Optional.empty();
        }

        @Override
        public Optional<String> serviceAccountToken(Pod pod, String audience, Long expiration) {
          return Optional.empty();
        }

        @Override
        public Map<String, Quantity> nodeAllocatable() {
          return Map.of();
        }
      };

  @Test
  void anUnprivilegedContainerUsesVolumesThroughItsFsGroup() throws Exception {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("p")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .withNewSecurityContext()
            .withFsGroup(FS_GROUP)
            .withSupplementalGroups(5555L)
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
            .withDefaultMode(0400)
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("info")
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("memory_mi")
            .withNewResourceFieldRef()
            .withContainerName("app")
            .withResource("limits.memory")
            .withDivisor(new Quantity("1Mi"))
            .endResourceFieldRef()
            .endItem()
            .endDownwardAPI()
            .endVolume()
            .addNewContainer()
            .withName("app")
            .withNewResources()
            .addToLimits("memory", new Quantity("64Mi"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    Map<String, Path> volumes = PodVolumes.prepare(pod, host.dir.resolve("pod"), SOURCES, kernel);
    ImageRecord demo =
        new ArchiveImporter(host.store, host.dir.resolve("tmp"))
            .importArchive(DemoImage.archive())
            .get(0);
    ContainerLaunch root =
        host.launch(
            "fsg",
            List.of(
                "sh",
                "-c",
                "id -G; echo written >/scratch/f && cat /scratch/f; cat /cfg/level;"
                    + " cat /info/memory_mi"),
            List.of("PATH=/bin"),
            "/",
            "p",
            ContainerLaunch.Resources.NONE);
    ContainerLaunch unprivileged =
        new ContainerLaunch(
            root.args(),
            root.env(),
            root.cwd(),
            1000,
            1000,
            ContainerStarter.supplementaryGroups(pod),
            root.hostname(),
            root.netnsPath(),
            root.hostNetwork(),
            root.readOnlyRootfs(),
            root.privileged(),
            List.of(
                new BindMount(volumes.get("scratch"), "/scratch", false),
                new BindMount(volumes.get("cfg"), "/cfg", true),
                new BindMount(volumes.get("info"), "/info", true)),
            root.cgroupsPath(),
            root.resources(),
            false);
    Path log = host.dir.resolve("fsg.log");
    host.runtime.start("fsg", host.bundle("fsg", demo, unprivileged), log);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> host.runtime.status("fsg").state() == ContainerStatus.State.EXITED);

    String output = Files.readString(log);
    assertThat(host.runtime.status("fsg").exitCode()).as(output).isZero();
    assertThat(output).contains("1000 4321 5555", "written", "info", "64");
  }
}
