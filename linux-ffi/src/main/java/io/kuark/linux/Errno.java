package io.kuark.linux;

/** The errno values callers commonly branch on (x86_64 / aarch64 Linux numbering). */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENOTSUP = 95;
  public static final int EADDRNOTAVAIL = 99;

  private Errno() {}
}
