package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.kuark.agent.downward.NodeAllocatable;
import io.kuark.agent.linux.HostKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Backs a pod's secret, projected and downwardAPI volumes and its {@code medium: Memory} emptyDirs
 * ({@link EmptyDirSetUp}) with their own tmpfs, as kubelet does (its plugins for these kinds wrap a
 * {@code medium: Memory} emptyDir; configMap wraps a disk one): secrets and ServiceAccount tokens
 * never reach the node's disk, and the files a pod start writes cost no inodes of the data
 * directory's file system. The mount lives in the volume's directory until the pod's files go
 * ({@link #unmountAll}).
 */
public final class MemoryVolumes {

  private MemoryVolumes() {}

  /**
   * Whether kubelet keeps the files of {@code volume}, a written kind, in memory (an emptyDir's
   * medium says it: {@link EmptyDirSetUp#inMemory}).
   */
  static boolean inMemory(Volume volume) {
    return volume.getSecret() != null
        || volume.getProjected() != null
        || volume.getDownwardAPI() != null;
  }

  /**
   * Mounts the tmpfs of {@code pod}'s memory volume on the directory {@code dir}, made if missing;
   * a tmpfs already there (mounted before an agent restart) is reused.
   *
   * @param sizeLimit the emptyDir's {@code sizeLimit}, or null (the other kinds have none)
   */
  static void mount(Pod pod, Quantity sizeLimit, Path dir, HostKernel kernel, NodeAllocatable node)
      throws IOException {
    // A directory made just now cannot be a mount point: the mount table (long on a busy node,
    // and this runs per volume per pod start) is read only for one that was there.
    boolean existed = Files.isDirectory(dir);
    Files.createDirectories(dir);
    if (existed && kernel.isMounted(dir)) {
      return;
    }
    OptionalLong size = MemoryVolumeSize.bytes(pod, node.nodeAllocatable(), sizeLimit);
    kernel.mountTmpfs(dir, size.isPresent() ? "size=" + size.getAsLong() : null);
  }

  /**
   * Unmounts whatever is mounted on the volume directories of the pod directory {@code podDir}, so
   * the directory can be removed; the pod's spec is not needed (a pod deleted while the agent was
   * down has only its directory). Directories without a mount cost one failing umount2(2) each.
   */
  public static void unmountAll(Path podDir, HostKernel kernel) throws IOException {
    Path volumes = podDir.resolve("volumes");
    if (!Files.isDirectory(volumes)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(volumes)) {
      dirs = list.toList();
    }
    IOException failed = null;
    for (Path dir : dirs) {
      try {
        kernel.unmount(dir);
      } catch (IOException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
