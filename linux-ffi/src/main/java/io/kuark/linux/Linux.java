package io.kuark.linux;

import io.kuark.linux.jnr.JnrMounts;
import io.kuark.linux.jnr.JnrNamespaces;
import io.kuark.linux.jnr.JnrNetlink;
import io.kuark.linux.jnr.ProcSysctl;
import java.nio.file.Path;

/**
 * Entry point to the Linux seams. One instance per process is enough (it owns the namespace thread
 * pool); the objects it returns are thread-safe.
 */
public final class Linux {
  private static volatile Linux instance;

  private final Mounts mounts;
  private final Namespaces namespaces;
  private final Sysctl sysctl;

  private Linux() {
    this.mounts = new JnrMounts();
    this.namespaces = new JnrNamespaces(mounts);
    this.sysctl = new ProcSysctl(namespaces);
  }

  /** The shared instance (created on first use). */
  public static Linux get() {
    Linux local = instance;
    if (local == null) {
      synchronized (Linux.class) {
        local = instance;
        if (local == null) {
          local = new Linux();
          instance = local;
        }
      }
    }
    return local;
  }

  public Namespaces namespaces() {
    return namespaces;
  }

  public Mounts mounts() {
    return mounts;
  }

  public Sysctl sysctl() {
    return sysctl;
  }

  /**
   * {@code statvfs(3)} of the file system holding {@code path}: sizes and inode counts.
   *
   * @throws LinuxException when the path cannot be examined (e.g. ENOENT)
   */
  public FsStat statvfs(Path path) {
    return io.kuark.linux.jnr.JnrStatvfs.stat(path.toString());
  }

  /**
   * {@code mkfifo(3)}: creates the named pipe {@code path} with permission bits {@code mode}, as
   * {@code mkfifo -m MODE} does (the umask does not narrow them).
   *
   * @throws LinuxException when it cannot be created (EEXIST, ENOENT, ...)
   */
  public void mkfifo(Path path, int mode) {
    io.kuark.linux.jnr.JnrFifo.make(path.toString(), mode);
  }

  /**
   * Sends {@code signal} to process {@code pid} only if that pid still names the process that
   * started at {@code startTime} (clock ticks after boot, field 22 of {@code /proc/PID/stat}),
   * through a pidfd so that a pid reused after the check cannot be signalled.
   *
   * @return false when that process no longer exists
   * @throws LinuxException when pidfds are unavailable (ENOSYS before Linux 5.3) or not permitted
   */
  public boolean signalIfStartedAt(int pid, long startTime, int signal) {
    return io.kuark.linux.jnr.JnrPidfd.signalIfStartedAt(pid, startTime, signal);
  }

  /** The start time of process {@code pid} (field 22 of /proc/PID/stat), null if it is gone. */
  public Long processStartTime(int pid) {
    return io.kuark.linux.jnr.JnrPidfd.startTime(pid);
  }

  /** Opens a new pseudo-terminal with the given window size. The caller closes it. */
  public Pty openPty(int columns, int rows) {
    return io.kuark.linux.jnr.JnrPty.open(columns, rows);
  }

  /**
   * Sets the window size of the terminal device at {@code terminal} (a pty slave such as {@code
   * /dev/pts/3} held by another process); its foreground process group gets SIGWINCH.
   *
   * @throws LinuxException when it cannot be opened (ENOENT, EIO once its master is closed) or is
   *     not a terminal (ENOTTY)
   */
  public void resizeTerminal(Path terminal, int columns, int rows) {
    io.kuark.linux.jnr.JnrPty.resizeTerminal(terminal.toString(), columns, rows);
  }

  /**
   * Opens an rtnetlink socket in the calling thread's network namespace (the host namespace for
   * ordinary threads). The caller closes it.
   */
  public Netlink netlink() {
    return new JnrNetlink();
  }

  /**
   * Opens an rtnetlink socket inside the network namespace pinned at {@code netns}; every request
   * on it acts there, whatever thread sends it. The caller closes it.
   */
  public Netlink netlink(Path netns) {
    try {
      return namespaces.runInNetns(netns, JnrNetlink::new);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens a conntrack (NETLINK_NETFILTER) socket inside the network namespace pinned at {@code
   * netns}, or in the calling thread's when null. The caller closes it.
   */
  public Conntrack conntrack(Path netns) {
    if (netns == null) {
      return new io.kuark.linux.jnr.JnrConntrack();
    }
    try {
      return namespaces.runInNetns(netns, io.kuark.linux.jnr.JnrConntrack::new);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
