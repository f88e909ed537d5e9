package io.kuark.agent.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to generate one container's OCI runtime spec.
 *
 * @param args process arguments (argv), already resolved from command/args and the image
 * @param env environment as {@code NAME=value}, already merged (image, then pod)
 * @param cwd working directory inside the container
 * @param uid user id of the process
 * @param gid group id of the process
 * @param additionalGids supplementary groups of the process (the pod's fsGroup and
 *     supplementalGroups), besides those the image's /etc/group gives its user
 * @param hostname the container's hostname (the pod name)
 * @param netnsPath the pod's network namespace to join; null with {@code hostNetwork} false means a
 *     fresh one
 * @param hostNetwork share the host's network namespace (no network namespace entry at all)
 * @param readOnlyRootfs mount the root filesystem read-only
 * @param privileged all capabilities, no masked paths, devices allowed
 * @param mounts bind mounts from the host (pod files, volumes)
 * @param cgroupsPath cgroup path relative to each hierarchy root
 * @param resources cgroup limits
 * @param terminal the process gets a pseudo-terminal ({@code tty: true}): stdout and stderr are one
 *     stream, the terminal's
 */
public record ContainerLaunch(
    List<String> args,
    List<String> env,
    String cwd,
    int uid,
    int gid,
    List<Long> additionalGids,
    String hostname,
    Path netnsPath,
    boolean hostNetwork,
    boolean readOnlyRootfs,
    boolean privileged,
    List<BindMount> mounts,
    String cgroupsPath,
    Resources resources,
    boolean terminal) {

  /** A host path bind-mounted into the container. */
  public record BindMount(Path source, String destination, boolean readOnly) {}

  /**
   * Cgroup limits; null fields are left unset.
   *
   * @param memoryLimitBytes memory limit
   * @param cpuShares cpu.shares (relative weight, from the CPU request)
   * @param cpuQuotaMicros CFS quota per period (from the CPU limit)
   * @param cpuPeriodMicros CFS period
   */
  public record Resources(
      Long memoryLimitBytes, Long cpuShares, Long cpuQuotaMicros, Long cpuPeriodMicros) {
    public static final Resources NONE = new Resources(null, null, null, null);
  }
}
