package io.kuark.server.api;

import io.kuark.server.api.handler.ResourceDispatcher;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.RequestInfoParser;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.proxy.PodStreamProxy;
import io.kuark.server.api.system.RequestMetrics;
import io.kuark.server.api.watch.HttpWatchSink;
import io.kuark.server.api.watch.WatchHandler;
import io.kuark.server.api.watch.WatchRequest;
import io.kuark.server.api.watch.WatchSink;
import io.kuark.server.api.watch.WebSocketWatchSink;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Serves resource paths ({@code /api/v1/...}, {@code /apis/G/V/...}): resolves the resource type,
 * runs the handler on a worker thread (storage calls block) and writes the JSON response or the
 * error Status.
 */
final class ApiRequestHandler {

  private static final Logger LOG = Logger.getLogger(ApiRequestHandler.class);

  private final ResourceCatalog catalog;
  private final ResourceDispatcher dispatcher;
  private final WatchHandler watches;
  private final WorkerExecutor workers;
  private final RequestMetrics metrics;
  private final PodStreamProxy podStreams;

  ApiRequestHandler(
      ResourceCatalog catalog,
      ResourceDispatcher dispatcher,
      WatchHandler watches,
      WorkerExecutor workers,
      RequestMetrics metrics,
      PodStreamProxy podStreams) {
    this.podStreams = podStreams;
    this.catalog = catalog;
    this.dispatcher = dispatcher;
    this.watches = watches;
    this.workers = workers;
    this.metrics = metrics;
  }

  /** Handles the request if its path is a resource path; returns false otherwise. */
  boolean handle(RoutingContext rc, UserInfo user) {
    String method = rc.request().method().name();
    Optional<RequestInfo> parsed =
        RequestInfoParser.parse(method, rc.request().path(), rc.request().getParam("watch"));
    if (parsed.isEmpty()) {
      return false;
    }
    RequestInfo info = parsed.get();
    long start = System.nanoTime();
    Optional<ResourceType> type = catalog.find(info.group(), info.version(), info.resource());
    if (type.isEmpty()) {
      send(
          rc,
          info,
          start,
          Statuses.notFoundPath().code(),
          Json.bytes(Statuses.notFoundPath().status()),
          null);
      return true;
    }
    if (PodStreamProxy.serves(info, type.get())) {
      podStreams.serve(rc, info, e -> sendError(rc, info, start, e));
      return true;
    }
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    ApiRequest req =
        new ApiRequest(
            info,
            type.get(),
            rc.queryParams(),
            body == null ? new byte[0] : body.getBytes(),
            header(rc, "Content-Type"),
            header(rc, "Accept"),
            user,
            header(rc, "User-Agent"));
    if (info.verb().equals("watch")) {
      watch(rc, req, start);
      return true;
    }
    workers
        .<ApiResponse>executeBlocking(() -> dispatcher.dispatch(req), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ApiResponse r = ar.result();
                for (String w : r.warnings()) {
                  // An RFC 7234 quoted-string: kubectl unescapes \" (PodSecurity quotes levels).
                  String text = w.replace("\\", "\\\\").replace("\"", "\\\"");
                  rc.response().headers().add("Warning", "299 - \"" + text + "\"");
                }
                send(rc, info, start, r.code(), r.bodyBytes(), null);
              } else {
                sendError(rc, info, start, ar.cause());
              }
            });
    return true;
  }

  private void watch(RoutingContext rc, ApiRequest req, long start) {
    WatchRequest watch;
    try {
      watch = WatchHandler.parse(req);
    } catch (ApiException e) {
      sendError(rc, req.info(), start, e);
      return;
    }
    metrics.watchStarted();
    metrics.record("WATCH", req.info().group(), req.info().resource(), 200, 0);
    String upgrade = rc.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      rc.request()
          .toWebSocket()
          .onSuccess(ws -> serveWatch(req, watch, new WebSocketWatchSink(ws), null))
          .onFailure(e -> LOG.warnf(e, "websocket upgrade failed for %s", req.info().resource()));
      return;
    }
    serveWatch(req, watch, new HttpWatchSink(rc.response()), rc);
  }

  private void serveWatch(ApiRequest req, WatchRequest watch, WatchSink sink, RoutingContext rc) {
    workers
        .executeBlocking(
            () -> {
              watches.serve(req, watch, sink);
              return null;
            },
            false)
        .onFailure(
            e -> {
              if (rc != null && !rc.response().headWritten()) {
                sendError(rc, req.info(), System.nanoTime(), e);
              } else {
                LOG.debugf(e, "watch of %s failed", req.info().resource());
                sink.end();
              }
            });
  }

  private void sendError(RoutingContext rc, RequestInfo info, long start, Throwable cause) {
    ApiException error;
    if (cause instanceof ApiException api) {
      error = api;
    } else if (cause instanceof io.kuark.server.storage.StorageException.Unavailable) {
      error = Statuses.unavailable(cause.getMessage());
    } else if (cause instanceof java.util.concurrent.RejectedExecutionException) {
      error = Statuses.unavailable("the server is shutting down");
    } else {
      LOG.errorf(cause, "internal error serving %s %s", rc.request().method(), rc.request().uri());
      error = Statuses.internal(String.valueOf(cause.getMessage()));
    }
    send(rc, info, start, error.code(), Json.bytes(error.status()), null);
  }

  private void send(
      RoutingContext rc, RequestInfo info, long start, int code, byte[] body, String type) {
    metrics.record(
        info.verb().toUpperCase(Locale.ROOT),
        info.group(),
        info.resource(),
        code,
        System.nanoTime() - start);
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    rc.response()
        .setStatusCode(code)
        .putHeader("Content-Type", type == null ? "application/json" : type)
        .putHeader("Cache-Control", "no-cache, private")
        .end(Buffer.buffer(body));
  }

  private static String header(RoutingContext rc, String name) {
    String v = rc.request().getHeader(name);
    return v == null ? "" : v;
  }
}
