package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.kuark.agent.Agent;
import io.kuark.agent.linux.HostKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tmpfs mounts (root): the secret, projected and downwardAPI volumes of a pod are tmpfs mount
 * points in /proc/self/mountinfo, the configMap is not; an update swaps {@code ..data} inside the
 * tmpfs; another start mounts nothing twice; teardown leaves no mount behind.
 */
class MemoryVolumesIT {

  private final HostKernel kernel = Agent.linuxKernel();

  @TempDir Path podDir;

  @AfterEach
  void unmount() throws Exception {
    MemoryVolumes.unmountAll(podDir, kernel);
  }

  /** Mount point → file system type of every mount at or below {@code root}. */
  private static List<String> mountsBelow(Path root) throws Exception {
    List<String> found = new ArrayList<>();
    String prefix = root.toRealPath().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      String point = fields[4].replace("\\040", " ");
      String type = line.substring(line.indexOf(" - ") + 3).split(" ")[0];
      if (point.equals(prefix) || point.startsWith(prefix + "/")) {
        found.add(Path.of(prefix).relativize(Path.of(point)) + " " + type);
      }
    }
    return found;
  }

  @Test
  void secretProjectedAndDownwardApiVolumesAreTmpfsMountsAndTheConfigMapIsNot() throws Exception {
    MemoryVolumesTest.Sources sources = new MemoryVolumesTest.Sources();
    Pod pod = MemoryVolumesTest.pod(MemoryVolumesTest.container("app", "64Mi"));

    PodVolumes.prepare(pod, podDir, sources, kernel);

    assertThat(mountsBelow(podDir))
        .containsExactlyInAnyOrder(
            "volumes/creds tmpfs", "volumes/kube-api-access tmpfs", "volumes/info tmpfs");
    Path creds = podDir.resolve("volumes/creds");
    assertThat(Files.readString(creds.resolve("password"))).isEqualTo("s3cret");
    assertThat(Files.readString(podDir.resolve("volumes/cfg/level"))).isEqualTo("info");
    // As kubelet's: the pod's memory limit sizes it; the root is the tmpfs's own (sticky, 1777).
    assertThat(Files.getFileStore(creds).getTotalSpace()).isEqualTo(64L * 1024 * 1024);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)))
        .isEqualTo("rwxrwxrwx");
  }

  @Test
  void anUpdateIsSwappedInsideTheTmpfsAndAnotherStartMountsNothingTwice() throws Exception {
    MemoryVolumesTest.Sources sources = new MemoryVolumesTest.Sources();
    Pod pod = MemoryVolumesTest.pod(MemoryVolumesTest.container("app", null));
    PodVolumes.prepare(pod, podDir, sources, kernel);
    List<String> mounts = mountsBelow(podDir);

    sources.secrets.put("ns/creds", Map.of("password", "rotated"));
    PodVolumes.Refresh refresh =
        PodVolumes.refresh(pod, podDir, sources, TokenRenewal.kubelet(java.time.Clock.systemUTC()));
    // The agent restarted: the next container start finds the mounted, written volumes.
    PodVolumes.prepare(pod, podDir, sources, kernel);

    assertThat(refresh.rewritten()).contains("creds");
    Path creds = podDir.resolve("volumes/creds");
    assertThat(Files.readString(creds.resolve("password"))).isEqualTo("rotated");
    assertThat(Files.readSymbolicLink(creds.resolve(AtomicWriter.DATA)).toString())
        .startsWith("..");
    assertThat(mountsBelow(podDir)).isEqualTo(mounts).hasSize(3);
  }

  @Test
  void teardownLeavesNoMountsAndTheDirectoryCanGo() throws Exception {
    Pod pod = MemoryVolumesTest.pod(MemoryVolumesTest.container("app", null));
    PodVolumes.prepare(pod, podDir, new MemoryVolumesTest.Sources(), kernel);

    MemoryVolumes.unmountAll(podDir, kernel);
    io.kuark.agent.fs.FileTrees.delete(podDir.resolve("volumes"));

    assertThat(mountsBelow(podDir)).isEmpty();
    assertThat(podDir.resolve("volumes")).doesNotExist();
  }

  @Test
  void aMemoryEmptyDirIsATmpfsOfItsSizeLimitMountedOnceAndGoneAfterTeardown() throws Exception {
    Pod pod =
        MemoryVolumesTest.withEmptyDir(
            MemoryVolumesTest.pod(MemoryVolumesTest.container("app", "64Mi")),
            "ram",
            "Memory",
            "16Mi");
    pod.getSpec().setSecurityContext(new PodSecurityContextBuilder().withFsGroup(4242L).build());
    MemoryVolumesTest.Sources sources = new MemoryVolumesTest.Sources();
    PodVolumes.prepare(pod, podDir, sources, kernel);
    Path ram = podDir.resolve("volumes/ram");
    Files.writeString(ram.resolve("state"), "in memory");

    // Another start (the agent restarted) reuses the tmpfs and its files.
    PodVolumes.prepare(pod, podDir, sources, kernel);

    assertThat(mountsBelow(podDir))
        .containsExactlyInAnyOrder(
            "volumes/creds tmpfs",
            "volumes/kube-api-access tmpfs",
            "volumes/info tmpfs",
            "volumes/ram tmpfs");
    assertThat(Files.getFileStore(ram).getTotalSpace()).isEqualTo(16L * 1024 * 1024);
    assertThat(Files.readString(ram.resolve("state"))).isEqualTo("in memory");
    // The fsGroup owns the tmpfs's root, not the directory under it; setgid passes it on.
    assertThat(Files.getAttribute(ram, "unix:gid")).isEqualTo(4242);
    assertThat(((Integer) Files.getAttribute(ram, "unix:mode")) & 02000).isEqualTo(02000);

    MemoryVolumes.unmountAll(podDir, kernel);
    io.kuark.agent.fs.FileTrees.delete(podDir.resolve("volumes"));

    assertThat(mountsBelow(podDir)).isEmpty();
  }
}
