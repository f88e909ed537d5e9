package io.kuark.linux;

/**
 * A pseudo-terminal: the master side stays in this process, the slave ({@link #slavePath()}) is
 * opened by a child process as its terminal. The pair is in raw mode (bytes pass unchanged both
 * ways): it carries a terminal behind it rather than being one. Reads block; call them from a
 * platform thread.
 */
public interface Pty extends AutoCloseable {

  /** {@code /dev/pts/N}. */
  String slavePath();

  /**
   * Reads what the slave side wrote; -1 once every slave descriptor is closed (the child exited).
   */
  int read(byte[] buffer);

  /** Writes terminal input (what the user types). */
  void write(byte[] data, int length);

  /** Sets the window size; the foreground process group of the terminal gets SIGWINCH. */
  void resize(int columns, int rows);

  /** Closes the master side. Idempotent. */
  @Override
  void close();
}
