package io.kuark.server.api.watch;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Streams a watch as a chunked {@code application/json} response, one event per line. */
public final class HttpWatchSink implements WatchSink {

  private final HttpServerResponse response;

  public HttpWatchSink(HttpServerResponse response) {
    this.response = response;
  }

  @Override
  public void open(Runnable onClientGone) {
    response.setChunked(true);
    response.setWriteQueueMaxSize(WatchStream.MAX_BUFFERED_BYTES);
    response.putHeader("Content-Type", "application/json");
    response.putHeader("Cache-Control", "no-cache, private");
    response.setStatusCode(200);
    response.closeHandler(v -> onClientGone.run());
    response.exceptionHandler(e -> onClientGone.run());
    // Send the headers now so clients see the watch is established before the first event.
    response.writeHead();
  }

  @Override
  public void write(byte[] frame) {
    response.write(Buffer.buffer(frame));
  }

  @Override
  public boolean full() {
    return response.writeQueueFull();
  }

  @Override
  public void end() {
    try {
      response.end();
    } catch (IllegalStateException e) {
      // Already ended or the connection is gone.
    }
  }
}
