package io.kuark.linux.jnr;

import io.kuark.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** {@code mkfifo(3)} through libc. */
public final class JnrFifo {

  private JnrFifo() {}

  /** Creates the fifo {@code path} with exactly the permission bits {@code mode} (0777 at most). */
  public static void make(String path, int mode) {
    Native.check(Native.libc().mkfifo(path, mode & 0777), "mkfifo " + path);
    try {
      // mkfifo(3) applies the process's umask; mkfifo -m MODE sets the mode as given.
      Files.setPosixFilePermissions(Path.of(path), permissions(mode));
    } catch (IOException e) {
      throw new LinuxException("chmod " + path, 0, e.getMessage());
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }
}
