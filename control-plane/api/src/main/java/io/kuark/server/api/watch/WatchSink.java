package io.kuark.server.api.watch;

/** Where a watch's frames go: a chunked HTTP response or a WebSocket. Thread-safe. */
public interface WatchSink {

  /** Prepares the transport (status line and headers for HTTP). */
  void open(Runnable onClientGone);

  /** Writes one event frame (a JSON object followed by a newline). */
  void write(byte[] frame);

  /** True when the client is not keeping up and more output would only pile up in memory. */
  boolean full();

  /** Finishes the stream; idempotent. */
  void end();
}
