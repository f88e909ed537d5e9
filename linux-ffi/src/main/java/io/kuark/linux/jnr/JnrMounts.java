package io.kuark.linux.jnr;

import io.kuark.linux.Errno;
import io.kuark.linux.LinuxException;
import io.kuark.linux.Mounts;
import java.nio.file.Path;

/** {@link Mounts} over mount(2) and umount2(2). */
public final class JnrMounts implements Mounts {
  private final LibC libc = Native.libc();

  @Override
  public void mount(String source, Path target, String fsType, long flags, String data) {
    String where = target.toString();
    if (libc.mount(source, where, fsType, flags, data) != 0) {
      throw Native.lastError("mount " + source + " on " + where);
    }
  }

  @Override
  public void bindMount(Path source, Path target, boolean readOnly) {
    mount(source.toString(), target, null, MS_BIND, null);
    if (readOnly) {
      try {
        mount(null, target, null, MS_BIND | MS_REMOUNT | MS_RDONLY, null);
      } catch (RuntimeException e) {
        unmount(target, true);
        throw e;
      }
    }
  }

  @Override
  public void unmount(Path target, boolean detach) {
    if (libc.umount2(target.toString(), detach ? LibC.MNT_DETACH : 0) != 0) {
      int errno = Native.errno();
      if (errno == Errno.EINVAL || errno == Errno.ENOENT) {
        return; // not mounted, or already gone
      }
      throw new LinuxException("umount " + target, errno, Native.strerror(errno));
    }
  }

  @Override
  public void makePrivate(Path target, boolean recursive) {
    mount(null, target, null, MS_PRIVATE | (recursive ? MS_REC : 0), null);
  }

  @Override
  public void makeRslave(Path target) {
    mount(null, target, null, MS_SLAVE | MS_REC, null);
  }

  @Override
  public void makeShared(Path target, boolean recursive) {
    mount(null, target, null, MS_SHARED | (recursive ? MS_REC : 0), null);
  }

  @Override
  public boolean isMountPoint(Path target) {
    return MountInfo.fsTypeAt(target.toAbsolutePath()).isPresent();
  }
}
