package io.kuark.agent.api;

import java.io.IOException;

/** The client's end of a streaming session as the transport (WebSocket or SPDY) provides it. */
interface ExecOutput {

  /** Sends output; blocks while the client is slow; IOException when it is gone. */
  void stdout(byte[] data) throws IOException;

  void stderr(byte[] data) throws IOException;

  /** Ends stdout/stderr, writes {@code error} (may be empty) on the error stream and closes. */
  void finish(byte[] error);

  /** Stops or resumes reading client input (stdin back-pressure). */
  void readInput(boolean enabled);
}
