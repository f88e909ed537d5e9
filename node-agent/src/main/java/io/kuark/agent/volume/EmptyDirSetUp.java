package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kuark.agent.downward.NodeAllocatable;
import io.kuark.agent.linux.HostKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Sets up a pod's emptyDir once, as kubelet's emptyDir plugin does: the directory is created (for
 * {@code medium: Memory} with a tmpfs of its own mounted on it, {@link MemoryVolumes}) and owned by
 * the pod's fsGroup, then a ready marker is left under {@code
 * podDir/plugins/empty-dir/<volume>/ready}. While the marker and the directory (for memory: its
 * mount) exist the volume is set up, so a container (re)start neither walks nor re-owns it: files
 * the containers made since keep the owner and mode they were made with, and a large volume costs
 * no walk per crash-loop restart. The marker is on disk, so a restarted agent does not set the
 * volume up again either; after a reboot the tmpfs is gone and is mounted again, empty. Both go
 * with the pod directory.
 */
final class EmptyDirSetUp {

  private EmptyDirSetUp() {}

  /**
   * Makes the emptyDir {@code volume} in {@code dir} ready for {@code pod}'s containers.
   * Idempotent.
   *
   * @throws PodVolumes.VolumeException when the volume's medium is not one this node provides
   */
  static void setUp(
      Pod pod, Path podDir, Volume volume, Path dir, HostKernel kernel, NodeAllocatable node)
      throws IOException {
    boolean memory = inMemory(volume);
    Path ready = readyMarker(podDir, volume.getName());
    if (Files.exists(ready) && Files.isDirectory(dir)) {
      // Set up on disk by an agent that ignored the medium: the running containers see that
      // directory and its files, so it stays until the pod goes.
      if (!memory || kernel.isMounted(dir) || !isEmpty(dir)) {
        return;
      }
    }
    // A marker without its directory (removed by hand) or its tmpfs (gone with a reboot) is stale:
    // set the volume up again.
    Files.deleteIfExists(ready);
    if (memory) {
      MemoryVolumes.mount(pod, volume.getEmptyDir().getSizeLimit(), dir, kernel, node);
    } else {
      Files.createDirectories(dir);
    }
    VolumeOwnership ownership = VolumeOwnership.of(pod, false);
    if (ownership != null) {
      ownership.apply(dir, VolumeOwnership.onRootMismatch(pod));
    }
    // Only once owned: a failed set-up is tried again at the next container start.
    Files.createDirectories(ready.getParent());
    Files.writeString(ready, "");
  }

  /**
   * Whether the emptyDir {@code volume} is a tmpfs: medium {@code Memory}; {@code ""} (or none) is
   * the node's disk.
   *
   * @throws PodVolumes.VolumeException for another medium, as kubelet fails the mount rather than
   *     give the pod a disk directory it did not ask for (HugePages is not provided by this node)
   */
  static boolean inMemory(Volume volume) throws PodVolumes.VolumeException {
    EmptyDirVolumeSource source = volume.getEmptyDir();
    String medium = source.getMedium() == null ? "" : source.getMedium();
    if (medium.isEmpty()) {
      return false;
    }
    if (medium.equals("Memory")) {
      return true;
    }
    String why =
        medium.equals("HugePages") || medium.startsWith("HugePages-")
            ? "storage medium \"" + medium + "\" is not supported on this node"
            : "unknown storage medium \"" + medium + "\"";
    throw new PodVolumes.VolumeException(
        "MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : " + why);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** The file whose presence says the emptyDir {@code name} of the pod is set up. */
  static Path readyMarker(Path podDir, String name) {
    return podDir.resolve("plugins").resolve("empty-dir").resolve(name).resolve("ready");
  }
}
