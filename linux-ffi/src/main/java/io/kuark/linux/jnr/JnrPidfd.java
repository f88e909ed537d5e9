package io.kuark.linux.jnr;

import io.kuark.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Signals a process through a pidfd ({@code pidfd_open(2)}, {@code pidfd_send_signal(2)}, Linux
 * 5.3+), after checking that the pid still names the process that started at a known time.
 */
public final class JnrPidfd {

  // The same numbers on every architecture with the generic system call table (since Linux 5.1).
  private static final long SYS_PIDFD_SEND_SIGNAL = 424;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final int ESRCH = 3;

  private JnrPidfd() {}

  /**
   * Sends {@code signal} to {@code pid} if that pid still names the process that started at {@code
   * startTime} (clock ticks after boot, field 22 of {@code /proc/PID/stat}). The pidfd is opened
   * before the start time is read: if the check passes, the process was alive under that pid when
   * the pidfd was opened too, so the pidfd names it and a later reuse of the pid cannot be hit.
   *
   * @return false when no such process exists any more (gone, or the pid now names another one)
   * @throws LinuxException when pidfds are not available (ENOSYS) or not permitted
   */
  public static boolean signalIfStartedAt(int pid, long startTime, int signal) {
    if (pid <= 0) {
      throw new IllegalArgumentException("not a process id: " + pid);
    }
    LibC libc = Native.libc();
    long fd = libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
    if (fd < 0) {
      int errno = Native.errno();
      if (errno == ESRCH) {
        return false;
      }
      throw new LinuxException("pidfd_open " + pid, errno, Native.strerror(errno));
    }
    try {
      Long started = startTime(pid);
      if (started == null || started != startTime) {
        return false;
      }
      long rc = libc.syscall(SYS_PIDFD_SEND_SIGNAL, fd, signal, 0, 0);
      if (rc < 0) {
        int errno = Native.errno();
        if (errno == ESRCH) {
          return false; // it exited after the check
        }
        throw new LinuxException("pidfd_send_signal " + pid, errno, Native.strerror(errno));
      }
      return true;
    } finally {
      libc.close((int) fd);
    }
  }

  /** Field 22 of /proc/PID/stat (start time in clock ticks after boot), null if it is gone. */
  public static Long startTime(int pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
    } catch (IOException e) {
      return null;
    }
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[19]); // fields[0] is field 3 (state)
  }
}
