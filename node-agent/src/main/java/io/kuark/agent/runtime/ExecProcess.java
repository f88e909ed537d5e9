package io.kuark.agent.runtime;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process started inside a running container whose standard streams the caller drives (exec for
 * the agent API). Closing {@link #stdin()} is the process's end of input.
 */
public interface ExecProcess {

  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  /** Waits for the process and returns its exit code. */
  int waitFor() throws InterruptedException;

  /** Resizes the terminal (exec with a tty); without one nothing happens. */
  default void resize(int columns, int rows) {}

  /** Ends the process (the client went away); idempotent. */
  void kill();
}
