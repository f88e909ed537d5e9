package io.kuark.agent.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * kubelet's volume ownership for a pod's {@code securityContext.fsGroup}: every file and directory
 * of a volume gets the group fsGroup; files gain group read (and write, unless the volume is one of
 * the read-only ConfigMap/Secret/downward API/projected kinds), directories also group execute and
 * setgid, so that what containers create later inherits the group. Symlinks get the group but keep
 * their (meaningless) mode. Owners and other bits are left as they are.
 *
 * @param gid the pod's fsGroup
 * @param readOnly whether the volume is read-only content the agent writes (group gets r, not rw)
 */
public record VolumeOwnership(int gid, boolean readOnly) {

  /** fsGroupChangePolicy's value that skips volumes whose root already looks right. */
  public static final String ON_ROOT_MISMATCH = "OnRootMismatch";

  private static final int READ_WRITE = 0660;
  private static final int READ = 0440;
  private static final int EXECUTE = 0110;
  private static final int SETGID = 02000;

  /** The ownership {@code pod}'s volumes get, or null when it sets no fsGroup. */
  public static VolumeOwnership of(Pod pod, boolean readOnly) {
    PodSecurityContext security = pod.getSpec().getSecurityContext();
    if (security == null || security.getFsGroup() == null) {
      return null;
    }
    return new VolumeOwnership(Math.toIntExact(security.getFsGroup()), readOnly);
  }

  /** Whether {@code pod} asks to skip volumes whose root already has the right group and mode. */
  public static boolean onRootMismatch(Pod pod) {
    PodSecurityContext security = pod.getSpec().getSecurityContext();
    return security != null && ON_ROOT_MISMATCH.equals(security.getFsGroupChangePolicy());
  }

  /** The mode a file of {@code mode} has once owned. */
  public int fileMode(int mode) {
    return mode | (readOnly ? READ : READ_WRITE);
  }

  /** The mode a directory of {@code mode} has once owned. */
  public int directoryMode(int mode) {
    return fileMode(mode) | EXECUTE | SETGID;
  }

  /**
   * Owns {@code root} and everything below it (symlinks themselves, never what they point to).
   *
   * @param onRootMismatch skip the walk when the root already has the group, the mode bits and
   *     setgid (kubelet's OnRootMismatch: a volume owned before is assumed owned throughout)
   * @return whether anything was walked
   */
  public boolean apply(Path root, boolean onRootMismatch) throws IOException {
    if (onRootMismatch && rootMatches(root)) {
      return false;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      own(path);
    }
    return true;
  }

  /** Owns one path (a symlink itself, not its target). */
  public void own(Path path) throws IOException {
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    if (Files.isSymbolicLink(path)) {
      return;
    }
    int mode = mode(path);
    int owned = Files.isDirectory(path) ? directoryMode(mode) : fileMode(mode);
    if (owned != mode) {
      Files.setAttribute(path, "unix:mode", owned);
    }
  }

  /** Whether {@code root} is a directory with the group, the group bits and setgid. */
  boolean rootMatches(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    int group = (Integer) Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    int mode = mode(root);
    return group == gid && directoryMode(mode) == mode;
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
