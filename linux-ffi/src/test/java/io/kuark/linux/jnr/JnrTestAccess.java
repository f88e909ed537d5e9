package io.kuark.linux.jnr;

/** Lets tests in io.kuark.linux see the loaded binding's class. */
public final class JnrTestAccess {
  private JnrTestAccess() {}

  public static Class<?> libcClass() {
    return Native.libc().getClass();
  }
}
