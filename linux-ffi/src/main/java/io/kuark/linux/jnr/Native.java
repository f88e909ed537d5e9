package io.kuark.linux.jnr;

import io.kuark.linux.LinuxException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads libc once and turns failed calls into {@link LinuxException}s. */
final class Native {
  static {
    // A native image cannot generate classes at run time: force JNR's reflection/proxy mode there.
    if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
      System.setProperty("jnr.ffi.asm.enabled", "false");
    }
  }

  private static final LibC LIBC = loadLibC();
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Native() {}

  /**
   * libc by the platform's own file name ("libc.so.6"), which JNR hands to dlopen as it is; a bare
   * "c" makes it list the library directories (over a thousand files here) to find one, a visible
   * part of the kuark-bridge binary's start-up. The bare name stays the fallback (e.g. musl).
   */
  private static LibC loadLibC() {
    LibC libc =
        LibraryLoader.create(LibC.class)
            .load(jnr.ffi.Platform.getNativePlatform().getStandardCLibraryName());
    try {
      // JNR opens the library on the first call (failImmediately() would bind every function up
      // front, which costs more); close(-1) is harmless and bound anyway.
      libc.close(-1);
      return libc;
    } catch (UnsatisfiedLinkError e) {
      return LibraryLoader.create(LibC.class).load("c");
    }
  }

  static LibC libc() {
    return LIBC;
  }

  /** The errno of the last failed call on this thread. */
  static int errno() {
    return RUNTIME.getLastError();
  }

  static String strerror(int errno) {
    return LIBC.strerror(errno);
  }

  /** An exception for the last failed call on this thread. */
  static LinuxException lastError(String operation) {
    int errno = errno();
    return new LinuxException(operation, errno, strerror(errno));
  }

  /** Returns {@code rc} or throws the last error if it is negative. */
  static int check(int rc, String operation) {
    if (rc < 0) {
      throw lastError(operation);
    }
    return rc;
  }
}
