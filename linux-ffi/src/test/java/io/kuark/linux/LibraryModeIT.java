package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** Proves which JNR mode an execution runs in, so the no-asm execution is not silently the same. */
class LibraryModeIT {
  @Test
  void bindingModeFollowsTheAsmProperty() {
    boolean asm = !"false".equals(System.getProperty("jnr.ffi.asm.enabled"));
    assertThat(Proxy.isProxyClass(io.kuark.linux.jnr.JnrTestAccess.libcClass())).isEqualTo(!asm);
  }
}
