package io.kuark.agent.api;

/** What a transport drives once its streams are up: an exec or an attach. */
interface StreamSession {

  void start();

  /** Client stdin; called on the event loop, never blocks. */
  void stdin(byte[] data);

  /** The client closed stdin (v5 close signal, SPDY FIN). */
  void stdinClosed();

  /** The client's terminal changed size. */
  void resize(ResizeDecoder.Size size);

  /** The connection is gone. */
  void clientGone();
}
