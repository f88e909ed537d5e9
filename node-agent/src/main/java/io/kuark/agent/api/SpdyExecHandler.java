package io.kuark.agent.api;

import io.netty.handler.codec.spdy.SpdyHeaders;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Exec over SPDY ({@code v2}–{@code v5.channel.k8s.io}): the client opens one stream per {@code
 * streamType} (error, stdin, stdout, stderr, resize); once every stream the request asked for
 * exists, the command runs. Output goes on its stream, a FIN on stdin ends the command's input, and
 * the status goes on the error stream before the session closes.
 */
final class SpdyExecHandler implements SpdyConnection.Listener, ExecOutput {

  private static final long STREAM_WAIT_SECONDS = 30;

  private final ExecSession.Request request;
  private final boolean structuredStatus;
  private final Function<ExecOutput, StreamSession> sessions;
  private final Map<String, Integer> streams = new HashMap<>();
  private final ResizeDecoder resizes = new ResizeDecoder();
  private SpdyConnection connection;
  private StreamSession session;

  /**
   * @param sessions starts the command once the streams are there (returns null after reporting a
   *     failure itself)
   */
  SpdyExecHandler(
      ExecSession.Request request,
      boolean structuredStatus,
      Function<ExecOutput, StreamSession> sessions) {
    this.request = request;
    this.structuredStatus = structuredStatus;
    this.sessions = sessions;
  }

  @Override
  public void onStream(SpdyConnection conn, int streamId, SpdyHeaders headers, boolean last) {
    if (connection == null) {
      connection = conn;
      conn.channel()
          .eventLoop()
          .schedule(
              () -> {
                if (session == null) {
                  conn.close();
                }
              },
              STREAM_WAIT_SECONDS,
              TimeUnit.SECONDS);
    }
    String type = headers.getAsString("streamtype");
    if (type == null) {
      conn.reset(streamId);
      return;
    }
    streams.put(type, streamId);
    if (session == null && complete()) {
      session = sessions.apply(this);
      if (session != null) {
        session.start();
      }
    }
  }

  private boolean complete() {
    return streams.containsKey("error")
        && (!request.stdin() || streams.containsKey("stdin"))
        && (!request.stdout() || streams.containsKey("stdout"))
        && (!request.stderr() || streams.containsKey("stderr"));
  }

  @Override
  public void onData(int streamId, byte[] data, boolean last) {
    Integer resize = streams.get("resize");
    if (session != null && resize != null && resize == streamId) {
      for (ResizeDecoder.Size size : resizes.feed(data)) {
        session.resize(size);
      }
      return;
    }
    Integer stdin = streams.get("stdin");
    if (session == null || stdin == null || stdin != streamId) {
      return;
    }
    if (data.length > 0) {
      session.stdin(data);
    }
    if (last) {
      session.stdinClosed();
    }
  }

  @Override
  public void onReset(int streamId) {
    Integer stdin = streams.get("stdin");
    if (session != null && stdin != null && stdin == streamId) {
      session.stdinClosed();
    }
  }

  @Override
  public void onClosed() {
    if (session != null) {
      session.clientGone();
    }
  }

  @Override
  public void stdout(byte[] data) throws IOException {
    connection.sendBlocking(streams.get("stdout"), data);
  }

  @Override
  public void stderr(byte[] data) throws IOException {
    connection.sendBlocking(streams.get("stderr"), data);
  }

  @Override
  public void finish(byte[] error) {
    for (String type : new String[] {"stdout", "stderr"}) {
      Integer id = streams.get(type);
      if (id != null) {
        connection.finishStream(id);
      }
    }
    int errorStream = streams.get("error");
    if (error.length > 0) {
      connection.send(errorStream, error, true);
    } else {
      connection.finishStream(errorStream);
    }
    connection.close();
  }

  @Override
  public void readInput(boolean enabled) {
    connection.channel().config().setAutoRead(enabled);
  }

  boolean structuredStatus() {
    return structuredStatus;
  }
}
