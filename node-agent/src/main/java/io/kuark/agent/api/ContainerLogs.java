package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.agent.runtime.ContainerRuntime;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * {@code GET /containerLogs/{ns}/{pod}/{container}}: finds the container's CRI log file ({@code
 * <podLogDir>/<ns>_<pod>_<uid>/<container>/<attempt>.log}; the newest attempt, or with {@code
 * previous} the one before it, or the newest while a restart waits out its back-off) and streams it
 * chunked from a platform thread.
 */
final class ContainerLogs {

  private static final Logger LOG = Logger.getLogger(ContainerLogs.class);

  private final PodTargets pods;
  private final ContainerRuntime runtime;
  private final Path podLogDir;
  private final Clock clock;

  ContainerLogs(PodTargets pods, ContainerRuntime runtime, Path podLogDir, Clock clock) {
    this.pods = pods;
    this.runtime = runtime;
    this.podLogDir = podLogDir;
    this.clock = clock;
  }

  void serve(
      ChannelHandlerContext ctx,
      String namespace,
      String podName,
      String container,
      Map<String, List<String>> query) {
    LogOptions options;
    try {
      options = LogOptions.parse(query, clock.instant());
    } catch (LogOptions.InvalidException e) {
      StatusReplies.sendStatus(ctx, 400, "BadRequest", e.getMessage());
      return;
    }
    Optional<Pod> found = pods.find(namespace, podName);
    if (found.isEmpty()) {
      StatusReplies.sendStatus(
          ctx, 404, "NotFound", "pod \"" + podName + "\" not found in namespace " + namespace);
      return;
    }
    Pod pod = found.get();
    Path file;
    try {
      PodContainers.requireContainer(pod, container);
      file = logFile(pod, container, options.previous());
    } catch (PodContainers.TargetException e) {
      StatusReplies.sendStatus(ctx, e.code, StatusReplies.reason(e.code), e.getMessage());
      return;
    } catch (IOException e) {
      StatusReplies.sendStatus(ctx, 500, "InternalError", e.getMessage());
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(head);
    Channel channel = ctx.channel();
    CriLogStreamer streamer =
        new CriLogStreamer(
            file,
            options,
            (stream, bytes) -> write(channel, bytes),
            () -> channel.isActive() && stillWriting(pod, container, file));
    Thread thread =
        new Thread(
            () -> {
              try {
                streamer.run();
              } catch (IOException e) {
                LOG.debugf("log stream of %s/%s/%s ended: %s", namespace, podName, container, e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                channel
                    .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                    .addListener(ChannelFutureListener.CLOSE);
              }
            },
            "logs-" + podName + "-" + container);
    thread.setDaemon(true);
    thread.start();
  }

  /** Writes a chunk, waiting while the client is slow; IOException once it is gone. */
  private static void write(Channel channel, byte[] bytes) throws IOException {
    while (channel.isActive() && !channel.isWritable()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    if (!channel.isActive()) {
      throw new IOException("client went away");
    }
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
  }

  Path logDir(Pod pod, String container) {
    return podLogDir
        .resolve(
            pod.getMetadata().getNamespace()
                + "_"
                + pod.getMetadata().getName()
                + "_"
                + pod.getMetadata().getUid())
        .resolve(container);
  }

  /** The log file to read, or the upstream error when there is none. */
  Path logFile(Pod pod, String container, boolean previous)
      throws PodContainers.TargetException, IOException {
    List<Integer> attempts = attempts(logDir(pod, container));
    String podName = pod.getMetadata().getName();
    if (previous) {
      Integer last = lastTerminatedAttempt(pod, container);
      if (last != null) {
        for (int i = attempts.size() - 1; i >= 0; i--) {
          if (attempts.get(i) <= last) {
            return logDir(pod, container).resolve(attempts.get(i) + ".log");
          }
        }
        attempts = List.of();
      }
      if (attempts.size() < 2) {
        throw new PodContainers.TargetException(
            400,
            "previous terminated container \""
                + container
                + "\" in pod \""
                + podName
                + "\" not found");
      }
      return logDir(pod, container).resolve(attempts.get(attempts.size() - 2) + ".log");
    }
    if (attempts.isEmpty()) {
      ContainerStatus status = PodContainers.status(pod, container);
      String reason = "ContainerCreating";
      if (status != null
          && status.getState() != null
          && status.getState().getWaiting() != null
          && status.getState().getWaiting().getReason() != null) {
        reason = status.getState().getWaiting().getReason();
      }
      throw new PodContainers.TargetException(
          400,
          "container \""
              + container
              + "\" in pod \""
              + podName
              + "\" is waiting to start: "
              + reason);
    }
    return logDir(pod, container).resolve(attempts.get(attempts.size() - 1) + ".log");
  }

  /**
   * The attempt of the container's last terminated run (its {@code lastState}) from the pod status,
   * null when the status does not say. Attempts are numbered by restart count: while a restart
   * waits out its back-off the ended run is the current restart count (as kubelet, {@code
   * --previous} then shows the run that just ended, the one container GC keeps); otherwise the one
   * before it.
   */
  private static Integer lastTerminatedAttempt(Pod pod, String container) {
    ContainerStatus status = PodContainers.status(pod, container);
    if (status == null
        || status.getRestartCount() == null
        || status.getState() == null
        || status.getLastState() == null
        || status.getLastState().getTerminated() == null) {
      return null;
    }
    boolean backOff =
        status.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(status.getState().getWaiting().getReason());
    return backOff ? status.getRestartCount() : status.getRestartCount() - 1;
  }

  /** Attempt numbers that have a log file, ascending. */
  static List<Integer> attempts(Path dir) throws IOException {
    List<Integer> attempts = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return attempts;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".log")) {
          try {
            attempts.add(Integer.parseInt(name.substring(0, name.length() - 4)));
          } catch (NumberFormatException e) {
            // not an attempt file (e.g. a rotated one)
          }
        }
      }
    }
    attempts.sort(null);
    return attempts;
  }

  /**
   * Follow ends when the pod is gone, a newer attempt started, or the container is no longer
   * running.
   */
  boolean stillWriting(Pod original, String container, Path file) {
    Optional<Pod> now =
        pods.find(original.getMetadata().getNamespace(), original.getMetadata().getName());
    if (now.isEmpty()
        || !original.getMetadata().getUid().equals(now.get().getMetadata().getUid())) {
      return false;
    }
    try {
      List<Integer> attempts = attempts(file.getParent());
      if (!attempts.isEmpty()
          && !file.getFileName().toString().equals(attempts.get(attempts.size() - 1) + ".log")) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    String id = PodContainers.runtimeId(now.get(), container);
    if (id == null) {
      return true;
    }
    io.kuark.agent.runtime.ContainerStatus.State state = runtime.status(id).state();
    return state == io.kuark.agent.runtime.ContainerStatus.State.RUNNING
        || state == io.kuark.agent.runtime.ContainerStatus.State.CREATING;
  }
}
