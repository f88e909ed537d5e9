package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets up a pod's disk emptyDir once, as kubelet's emptyDir plugin does: the directory is created
 * and owned by the pod's fsGroup, then a ready marker is left under {@code
 * podDir/plugins/empty-dir/<volume>/ready}. While the marker and the directory exist the volume is
 * set up, so a container (re)start neither walks nor re-owns it: files the containers made since
 * keep the owner and mode they were made with, and a large volume costs no walk per crash-loop
 * restart. The marker is on disk, so a restarted agent does not set the volume up again either.
 * Both go with the pod directory.
 */
final class EmptyDirSetUp {

  private EmptyDirSetUp() {}

  /**
   * Makes the emptyDir {@code dir} of volume {@code name} ready for {@code pod}'s containers.
   * Idempotent.
   */
  static void setUp(Pod pod, Path podDir, String name, Path dir) throws IOException {
    Path ready = readyMarker(podDir, name);
    if (Files.exists(ready) && Files.isDirectory(dir)) {
      return;
    }
    // A marker without its directory (removed by hand) is stale: set the volume up again.
    Files.deleteIfExists(ready);
    Files.createDirectories(dir);
    VolumeOwnership ownership = VolumeOwnership.of(pod, false);
    if (ownership != null) {
      ownership.apply(dir, VolumeOwnership.onRootMismatch(pod));
    }
    // Only once owned: a failed set-up is tried again at the next container start.
    Files.createDirectories(ready.getParent());
    Files.writeString(ready, "");
  }

  /** The file whose presence says the emptyDir {@code name} of the pod is set up. */
  static Path readyMarker(Path podDir, String name) {
    return podDir.resolve("plugins").resolve("empty-dir").resolve(name).resolve("ready");
  }
}
