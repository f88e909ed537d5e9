package io.kuark.linux.jnr;

import io.kuark.linux.LinuxException;
import io.kuark.linux.Pty;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Pty} on {@code posix_openpt}/{@code grantpt}/{@code unlockpt}/{@code ptsname_r}. */
public final class JnrPty implements Pty {

  private static final int O_RDWR = 2;
  private static final int O_NOCTTY = 0x100;
  private static final long TIOCSWINSZ = 0x5414;
  private static final int EIO = 5;
  private static final int EINTR = 4;
  private static final int TCSANOW = 0;

  /** Larger than glibc's {@code struct termios} (60 bytes on Linux). */
  private static final int TERMIOS_BYTES = 128;

  private final int fd;
  private final String slavePath;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JnrPty(int fd, String slavePath) {
    this.fd = fd;
    this.slavePath = slavePath;
  }

  /** Opens a new pty pair in raw mode with the given window size. */
  public static JnrPty open(int columns, int rows) {
    LibC libc = Native.libc();
    int fd = libc.posix_openpt(O_RDWR | O_NOCTTY | LibC.O_CLOEXEC);
    if (fd < 0) {
      throw Native.lastError("posix_openpt");
    }
    try {
      if (libc.grantpt(fd) != 0) {
        throw Native.lastError("grantpt");
      }
      if (libc.unlockpt(fd) != 0) {
        throw Native.lastError("unlockpt");
      }
      byte[] name = new byte[128];
      if (libc.ptsname_r(fd, name, name.length) != 0) {
        throw Native.lastError("ptsname_r");
      }
      int end = 0;
      while (end < name.length && name[end] != 0) {
        end++;
      }
      JnrPty pty = new JnrPty(fd, new String(name, 0, end, StandardCharsets.US_ASCII));
      pty.resize(columns, rows);
      makeRaw(libc, fd, pty.slavePath);
      return pty;
    } catch (RuntimeException e) {
      libc.close(fd);
      throw e;
    }
  }

  /**
   * Raw from the start: no echo, no line editing, no CR/LF translation. The pty only carries bytes
   * to and from a terminal behind it (the container's console behind {@code runc exec --tty}),
   * whose own discipline echoes and translates. runc also makes its terminal raw, but only once it
   * runs: in cooked mode, input written before that was echoed twice and output CRLFs became CR CR
   * LF. Termios requests on the master apply to the pair.
   */
  private static void makeRaw(LibC libc, int fd, String name) {
    byte[] termios = new byte[TERMIOS_BYTES];
    if (libc.tcgetattr(fd, termios) != 0) {
      throw Native.lastError("tcgetattr " + name);
    }
    libc.cfmakeraw(termios);
    if (libc.tcsetattr(fd, TCSANOW, termios) != 0) {
      throw Native.lastError("tcsetattr " + name);
    }
  }

  @Override
  public String slavePath() {
    return slavePath;
  }

  @Override
  public int read(byte[] buffer) {
    while (true) {
      long n = Native.libc().read(fd, buffer, buffer.length);
      if (n > 0) {
        return (int) n;
      }
      if (n == 0) {
        return -1;
      }
      int errno = Native.errno();
      if (errno == EINTR) {
        continue;
      }
      if (errno == EIO) {
        return -1; // every slave descriptor is closed
      }
      throw new LinuxException("read " + slavePath + " master", errno, Native.strerror(errno));
    }
  }

  @Override
  public void write(byte[] data, int length) {
    int off = 0;
    while (off < length) {
      byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, length);
      long n = Native.libc().write(fd, chunk, length - off);
      if (n < 0) {
        int errno = Native.errno();
        if (errno == EINTR) {
          continue;
        }
        throw new LinuxException("write " + slavePath + " master", errno, Native.strerror(errno));
      }
      off += (int) n;
    }
  }

  @Override
  public void resize(int columns, int rows) {
    setWindowSize(fd, slavePath, columns, rows);
  }

  /**
   * Sets the window size of the terminal at {@code path} (e.g. a pty slave another process holds):
   * the kernel keeps one size per pty pair, whichever side sets it, and signals the terminal's
   * foreground process group (SIGWINCH). Opened without becoming our controlling terminal.
   */
  public static void resizeTerminal(String path, int columns, int rows) {
    int fd = Native.libc().open(path, O_RDWR | O_NOCTTY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw Native.lastError("open " + path);
    }
    try {
      setWindowSize(fd, path, columns, rows);
    } finally {
      Native.libc().close(fd);
    }
  }

  private static void setWindowSize(int fd, String name, int columns, int rows) {
    if (columns <= 0 || rows <= 0 || columns > 0xffff || rows > 0xffff) {
      throw new IllegalArgumentException("window size " + columns + "x" + rows + " out of range");
    }
    // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; } (little endian)
    byte[] size = {
      (byte) rows, (byte) (rows >> 8), (byte) columns, (byte) (columns >> 8), 0, 0, 0, 0
    };
    if (Native.libc().ioctl(fd, TIOCSWINSZ, size) != 0) {
      throw Native.lastError("ioctl TIOCSWINSZ " + name);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Native.libc().close(fd);
    }
  }
}
