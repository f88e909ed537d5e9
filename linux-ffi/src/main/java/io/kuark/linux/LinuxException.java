package io.kuark.linux;

/**
 * A failed Linux system call: carries the {@code errno} the kernel returned and its {@code
 * strerror} text, plus the operation that failed.
 */
public class LinuxException extends RuntimeException {
  private final int errno;

  public LinuxException(String operation, int errno, String strerror) {
    super(operation + ": " + strerror + " (errno " + errno + ")");
    this.errno = errno;
  }

  /** The kernel's error number, e.g. 2 for ENOENT. */
  public int errno() {
    return errno;
  }
}
