package io.kuark.linux;

import java.nio.file.Path;

/** mount(2)/umount2(2) in the caller's mount namespace. Failures are {@link LinuxException}s. */
public interface Mounts {
  long MS_RDONLY = 1L;
  long MS_NOSUID = 2L;
  long MS_NODEV = 4L;
  long MS_NOEXEC = 8L;
  long MS_REMOUNT = 32L;
  long MS_BIND = 4096L;
  long MS_MOVE = 8192L;
  long MS_REC = 16384L;
  long MS_PRIVATE = 1L << 18;
  long MS_SLAVE = 1L << 19;
  long MS_SHARED = 1L << 20;

  /** Plain mount(2); {@code source}, {@code fsType} and {@code data} may be null. */
  void mount(String source, Path target, String fsType, long flags, String data);

  /**
   * Bind-mounts {@code source} on {@code target} (which must exist); with {@code readOnly} the bind
   * is remounted read-only, as a bind mount ignores MS_RDONLY on its first mount.
   */
  void bindMount(Path source, Path target, boolean readOnly);

  /**
   * Unmounts {@code target}; {@code detach} uses MNT_DETACH. Idempotent: nothing mounted there
   * (EINVAL) or a missing target (ENOENT) is not an error.
   */
  void unmount(Path target, boolean detach);

  /** Makes the mount at {@code target} private (recursively when {@code recursive}). */
  void makePrivate(Path target, boolean recursive);

  /** Makes the mount at {@code target} a recursive slave (events flow in, never out). */
  void makeRslave(Path target);

  /** Makes the mount at {@code target} shared (recursively when {@code recursive}). */
  void makeShared(Path target, boolean recursive);

  /** True if {@code target} is a mount point listed in /proc/self/mountinfo. */
  boolean isMountPoint(Path target);
}
