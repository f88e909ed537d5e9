package io.kuark.server.api.watch;

import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/** Streams a watch over a WebSocket, one text message per event (fabric8's default transport). */
public final class WebSocketWatchSink implements WatchSink {

  private final ServerWebSocket socket;

  public WebSocketWatchSink(ServerWebSocket socket) {
    this.socket = socket;
  }

  @Override
  public void open(Runnable onClientGone) {
    socket.setWriteQueueMaxSize(WatchStream.MAX_BUFFERED_BYTES);
    socket.closeHandler(v -> onClientGone.run());
    socket.exceptionHandler(e -> onClientGone.run());
  }

  @Override
  public void write(byte[] frame) {
    int length =
        frame.length > 0 && frame[frame.length - 1] == '\n' ? frame.length - 1 : frame.length;
    socket.writeTextMessage(new String(frame, 0, length, StandardCharsets.UTF_8));
  }

  @Override
  public boolean full() {
    return socket.writeQueueFull();
  }

  @Override
  public void end() {
    if (!socket.isClosed()) {
      socket.close();
    }
  }
}
