package io.kuark.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ExecProcess;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.logging.Logger;

/**
 * One per connection: authenticates and authorizes each request ({@link ClientAuthorizer}), then
 * routes the kubelet paths: {@code /healthz}, {@code /containerLogs}, {@code /exec}, {@code
 * /attach} (output, and input for {@code stdin: true} containers) and {@code /portForward}.
 */
final class ApiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = Logger.getLogger(ApiRequestHandler.class);

  /** What the handlers need from the agent. */
  record Services(
      ClientAuthorizer authorizer,
      PodTargets pods,
      ContainerRuntime runtime,
      ContainerLogs logs,
      PodDialer dialer,
      Executor blocking,
      Supplier<String> metrics,
      Supplier<JsonNode> statsSummary) {}

  private final Services services;

  /** A reply is being computed off the event loop: reading resumes once it is sent. */
  private boolean replyPending;

  ApiRequestHandler(Services services) {
    this.services = services;
  }

  /**
   * Authentication and authorization may ask the API server, so they run on the blocking pool;
   * reading pauses meanwhile (no second request overtakes this one) and the request continues on
   * the event loop, where the protocol upgrades rearrange the pipeline.
   */
  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    Certificate[] chain = peerCertificates(ctx);
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    String method = request.method().name();
    String path = new QueryStringDecoder(request.uri()).path();
    request.retain();
    ctx.channel().config().setAutoRead(false);
    try {
      services
          .blocking()
          .execute(
              () -> {
                ClientAuthorizer.Decision decision =
                    services.authorizer().decide(chain, authorization, method, path);
                ctx.executor().execute(() -> continueAuthorized(ctx, request, decision));
              });
    } catch (RuntimeException e) {
      request.release();
      StatusReplies.sendText(ctx, 503, "agent API is shutting down", true);
    }
  }

  private void continueAuthorized(
      ChannelHandlerContext ctx, FullHttpRequest request, ClientAuthorizer.Decision decision) {
    try {
      if (decision.code() != 200) {
        StatusReplies.sendText(ctx, decision.code(), decision.message(), true);
      } else {
        route(ctx, request);
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "agent API request %s failed", request.uri());
      StatusReplies.sendText(ctx, 500, "Internal Server Error: " + e.getMessage(), true);
    } finally {
      request.release();
      if (!replyPending) {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
    List<String> path = Arrays.stream(decoder.path().split("/")).filter(s -> !s.isEmpty()).toList();
    Map<String, List<String>> query = decoder.parameters();
    String root = path.isEmpty() ? "" : path.get(0);
    try {
      switch (root) {
        case "healthz" -> StatusReplies.sendText(ctx, 200, "ok", false);
        case "containerLogs" -> {
          if (path.size() != 4 || !request.method().equals(HttpMethod.GET)) {
            notFound(ctx, decoder.path());
          } else {
            services.logs().serve(ctx, path.get(1), path.get(2), path.get(3), query);
          }
        }
        case "exec" -> stream(ctx, request, path, query, false);
        case "attach" -> stream(ctx, request, path, query, true);
        case "portForward" -> portForward(ctx, request, path);
        case "metrics" -> {
          if (path.size() != 1 || services.metrics() == null) {
            notFound(ctx, decoder.path());
          } else {
            blockingReply(ctx, "text/plain; version=0.0.4; charset=utf-8", services.metrics());
          }
        }
        case "stats" -> {
          if (path.size() != 2
              || !path.get(1).equals("summary")
              || services.statsSummary() == null) {
            notFound(ctx, decoder.path());
          } else {
            blockingReply(ctx, "application/json", () -> services.statsSummary().get().toString());
          }
        }
        default -> notFound(ctx, decoder.path());
      }
    } catch (PodContainers.TargetException e) {
      StatusReplies.sendStatus(ctx, e.code, StatusReplies.reason(e.code), e.getMessage());
    }
  }

  /** Computes a body off the event loop (it reads files) and sends it. */
  private void blockingReply(ChannelHandlerContext ctx, String contentType, Supplier<String> body) {
    replyPending = true;
    services
        .blocking()
        .execute(
            () -> {
              String text;
              try {
                text = body.get();
              } catch (RuntimeException e) {
                LOG.warnf(e, "agent API reply failed");
                ctx.executor()
                    .execute(
                        () -> {
                          replyPending = false;
                          StatusReplies.sendText(ctx, 500, "Internal Server Error", true);
                        });
                return;
              }
              ctx.executor()
                  .execute(
                      () -> {
                        replyPending = false;
                        StatusReplies.send(ctx, 200, contentType, text, false);
                        ctx.channel().config().setAutoRead(true);
                      });
            });
  }

  private static void notFound(ChannelHandlerContext ctx, String path) {
    StatusReplies.sendText(ctx, 404, "404 page not found: " + path, true);
  }

  /**
   * {@code /exec|attach/{ns}/{pod}/{container}} or {@code
   * /exec|attach/{ns}/{pod}/{uid}/{container}}.
   */
  private void stream(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      List<String> path,
      Map<String, List<String>> query,
      boolean attach)
      throws PodContainers.TargetException {
    if (path.size() != 4 && path.size() != 5) {
      notFound(ctx, String.join("/", path));
      return;
    }
    Pod pod = pod(path.get(1), path.get(2));
    if (path.size() == 5 && !path.get(3).equals(pod.getMetadata().getUid())) {
      throw new PodContainers.TargetException(404, "pod " + path.get(2) + " has another uid");
    }
    String container = path.get(path.size() - 1);
    String id = PodContainers.runningId(pod, container);
    List<String> command = query.getOrDefault("command", List.of());
    ExecSession.Request exec =
        new ExecSession.Request(
            command,
            flag(query, "stdin", "input"),
            flag(query, "stdout", "output"),
            flag(query, "stderr", "error"),
            flag(query, "tty", "tty"));
    if (command.isEmpty() && !attach) {
      throw new PodContainers.TargetException(400, "you must specify a command to execute");
    }
    Path attachFile = null;
    if (attach) {
      try {
        attachFile = services.logs().logFile(pod, container, false);
      } catch (IOException e) {
        throw new PodContainers.TargetException(500, e.getMessage());
      }
    }
    if (!exec.stdin() && !exec.stdout() && !exec.stderr()) {
      throw new PodContainers.TargetException(
          400, "you must specify at least 1 of stdin, stdout, stderr");
    }
    if (exec.tty() && exec.stderr()) {
      throw new PodContainers.TargetException(400, "tty and stderr cannot both be true");
    }
    StreamingUpgrade.Kind kind = StreamingUpgrade.kind(request);
    List<String> offered = StreamingUpgrade.offered(request, kind);
    if (kind == StreamingUpgrade.Kind.WEBSOCKET) {
      String protocol = StreamingUpgrade.negotiate(offered, ChannelFraming.EXEC_PROTOCOLS);
      if (protocol == null) {
        throw new PodContainers.TargetException(
            400, "none of the requested protocols " + offered + " is supported");
      }
      WebSocketExecHandler handler = new WebSocketExecHandler(protocol, ctx.channel());
      boolean structured = ChannelFraming.structuredStatus(protocol);
      StreamSession session;
      if (attach) {
        session = attachSession(pod, container, attachFile, exec, handler, structured);
      } else {
        ExecProcess process;
        try {
          process = services.runtime().execInteractive(id, exec.command(), exec.tty());
        } catch (IOException e) {
          throw new PodContainers.TargetException(500, e.getMessage());
        }
        session = new ExecSession(process, exec, handler, structured);
      }
      StreamingUpgrade.toWebSocket(ctx, request, protocol, this, handler);
      handler.start(session, exec.stdout(), exec.stderr());
    } else if (kind == StreamingUpgrade.Kind.SPDY) {
      // v5 over SPDY behaves as v4: stdin closes with a FIN.
      String protocol =
          StreamingUpgrade.negotiate(
              offered,
              "v5.channel.k8s.io",
              "v4.channel.k8s.io",
              "v3.channel.k8s.io",
              "v2.channel.k8s.io");
      if (protocol == null) {
        throw new PodContainers.TargetException(
            400, "none of the requested protocols " + offered + " is supported");
      }
      boolean structured = ChannelFraming.structuredStatus(protocol);
      Path file = attachFile;
      SpdyExecHandler handler =
          new SpdyExecHandler(
              exec,
              structured,
              output ->
                  attach
                      ? attachSession(pod, container, file, exec, output, structured)
                      : startSession(id, exec, output, structured));
      StreamingUpgrade.toSpdy(ctx, protocol, this, new SpdyConnection(handler));
    } else {
      throw new PodContainers.TargetException(400, "Upgrade request required");
    }
  }

  private StreamSession attachSession(
      Pod pod,
      String container,
      Path file,
      ExecSession.Request exec,
      ExecOutput output,
      boolean structured) {
    OutputStream stdin = null;
    String id = PodContainers.runtimeId(pod, container);
    if (exec.stdin()) {
      try {
        // Null when the container was not started with stdin: true; its output still streams.
        stdin = services.runtime().attachStdin(id);
      } catch (IOException e) {
        LOG.debugf("no stdin for attach to %s: %s", container, e.getMessage());
      }
    }
    return new AttachSession(
        stdin,
        file,
        () -> services.logs().stillWriting(pod, container, file),
        output,
        exec.stdout(),
        exec.stderr(),
        structured,
        exec.tty()
            ? (columns, rows) -> services.runtime().resizeTerminal(id, columns, rows)
            : null);
  }

  /** Starts the command; on failure reports it on the error stream and returns null. */
  private ExecSession startSession(
      String id, ExecSession.Request exec, ExecOutput output, boolean structured) {
    ExecProcess process;
    try {
      process = services.runtime().execInteractive(id, exec.command(), exec.tty());
    } catch (IOException e) {
      LOG.warnf("exec in %s failed: %s", id, e.getMessage());
      output.finish(ExecStatus.encode(structured, exec.command(), 0, e.getMessage()));
      return null;
    }
    return new ExecSession(process, exec, output, structured);
  }

  /** {@code /portForward/{ns}/{pod}} (or with the pod uid after the name). */
  private void portForward(ChannelHandlerContext ctx, FullHttpRequest request, List<String> path)
      throws PodContainers.TargetException {
    if (path.size() != 3 && path.size() != 4) {
      notFound(ctx, String.join("/", path));
      return;
    }
    Pod pod = pod(path.get(1), path.get(2));
    SpdyConnection connection =
        new SpdyConnection(new SpdyPortForwardHandler(pod, services.dialer(), services.blocking()));
    StreamingUpgrade.Kind kind = StreamingUpgrade.kind(request);
    List<String> offered = StreamingUpgrade.offered(request, kind);
    if (kind == StreamingUpgrade.Kind.WEBSOCKET) {
      String protocol =
          StreamingUpgrade.negotiate(offered, WebSocketTunnelCodec.PORT_FORWARD_TUNNEL);
      if (protocol == null) {
        throw new PodContainers.TargetException(
            400, "none of the requested protocols " + offered + " is supported");
      }
      StreamingUpgrade.toWebSocket(
          ctx, request, protocol, this, StreamingUpgrade.spdyOverWebSocket(connection));
    } else if (kind == StreamingUpgrade.Kind.SPDY) {
      String protocol = StreamingUpgrade.negotiate(offered, "portforward.k8s.io");
      if (protocol == null && offered.isEmpty()) {
        protocol = "portforward.k8s.io";
      }
      if (protocol == null) {
        throw new PodContainers.TargetException(
            400, "none of the requested protocols " + offered + " is supported");
      }
      StreamingUpgrade.toSpdy(ctx, protocol, this, connection);
    } else {
      throw new PodContainers.TargetException(400, "Upgrade request required");
    }
  }

  private Pod pod(String namespace, String name) throws PodContainers.TargetException {
    Optional<Pod> pod = services.pods().find(namespace, name);
    if (pod.isEmpty()) {
      throw new PodContainers.TargetException(
          404, "pod \"" + name + "\" not found in namespace " + namespace);
    }
    return pod.get();
  }

  private static boolean flag(Map<String, List<String>> query, String name, String oldName) {
    return LogOptions.flag(query, name) || LogOptions.flag(query, oldName);
  }

  private static Certificate[] peerCertificates(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      return ssl.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debugf("agent API connection: %s", cause.getMessage());
    ctx.close();
  }
}
