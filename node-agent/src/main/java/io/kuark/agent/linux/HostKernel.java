package io.kuark.agent.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few kernel operations the agent needs: network namespaces, mounts and host routes. The
 * production implementation delegates to the linux-ffi module; tests may substitute a fake.
 */
public interface HostKernel {

  /** Creates a new network namespace pinned at {@code path} (idempotent if it already exists). */
  void createNetns(Path path) throws IOException;

  /** Unpins and removes the namespace file at {@code path}; missing files are not an error. */
  void deleteNetns(Path path) throws IOException;

  /**
   * Mounts an overlay filesystem at {@code target}.
   *
   * @param lowerDirs read-only layers, topmost first
   * @param upperDir writable layer
   * @param workDir overlayfs work directory on the same filesystem as {@code upperDir}
   */
  void mountOverlay(List<Path> lowerDirs, Path upperDir, Path workDir, Path target)
      throws IOException;

  /**
   * Mounts a new tmpfs on the existing directory {@code target}.
   *
   * @param options tmpfs mount options ({@code size=…}); null for the kernel's defaults
   */
  void mountTmpfs(Path target, String options) throws IOException;

  /** Unmounts {@code target} (lazily if busy); not mounted is not an error. */
  void unmount(Path target) throws IOException;

  /** Whether something is mounted exactly at {@code target}. */
  boolean isMounted(Path target) throws IOException;

  /**
   * Installs a {@code blackhole} route for {@code cidr} in the host's main table, so that addresses
   * of the cluster never leave through the uplink; more specific routes still win. Idempotent.
   */
  void ensureBlackholeRoute(String cidr) throws IOException;

  /**
   * Routes {@code cidr} into the local dummy link {@code link}, in front of its blackhole: the
   * host's own connections to a ClusterIP then get a route (and reach the proxy's output DNAT),
   * while packets without a DNAT rule die in the dummy link. Idempotent.
   */
  void ensureLocalRoute(String cidr, String link) throws IOException;
}
