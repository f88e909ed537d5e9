package io.kuark.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback TCP ports, so many test instances run side by side. */
final class FreePorts {
  private FreePorts() {}

  /**
   * A port that was free a moment ago. The kernel may hand it out again before the program binds
   * it; the chance is small and a bind failure shows up as a start failure with the program's log.
   */
  static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
