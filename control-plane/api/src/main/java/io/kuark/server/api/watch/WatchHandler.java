package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResponseShaper;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.select.ObjectFilter;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredList;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Serves {@code ?watch=true}: with resourceVersion unset or "0", or with sendInitialEvents=true,
 * first streams the current state as ADDED events (then, with sendInitialEvents, a bookmark
 * annotated {@code k8s.io/initial-events-end}); afterwards every change from the type's {@link
 * WatchCache}. A start revision older than the cache window gets an ERROR event with a 410 Expired
 * Status.
 */
public final class WatchHandler {

  /** Upstream's --min-request-timeout: watches without timeoutSeconds last 30-60 minutes. */
  static final long MIN_REQUEST_TIMEOUT = 1800;

  private final Vertx vertx;
  private final ObjectStore store;
  private final WatchCaches caches;
  private final ResponseShaper shaper;

  public WatchHandler(Vertx vertx, ObjectStore store, WatchCaches caches, ResponseShaper shaper) {
    this.vertx = vertx;
    this.store = store;
    this.caches = caches;
    this.shaper = shaper;
  }

  /** Parses the watch parameters; a bad parameter is an ApiException before anything is sent. */
  public static WatchRequest parse(ApiRequest req) {
    ObjectFilter filter =
        ObjectFilter.of(
            req.info().namespace(), req.param("labelSelector"), req.param("fieldSelector"));
    if (req.info().hasName()) {
      // GET .../pods?watch=1&fieldSelector=metadata.name=x is what clients send; a named watch
      // path is the legacy form of the same.
      String fs = req.param("fieldSelector");
      filter =
          ObjectFilter.of(
              req.info().namespace(),
              req.param("labelSelector"),
              "metadata.name=" + req.info().name() + (fs.isEmpty() ? "" : "," + fs));
    }
    long timeout = req.longParam("timeoutSeconds", 0);
    if (timeout <= 0) {
      timeout = MIN_REQUEST_TIMEOUT + ThreadLocalRandom.current().nextLong(MIN_REQUEST_TIMEOUT);
    }
    boolean initial = req.flag("sendInitialEvents");
    if (initial && !req.flag("allowWatchBookmarks")) {
      throw Statuses.invalid(
          req.type(),
          "",
          "allowWatchBookmarks",
          "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true");
    }
    String rv = req.param("resourceVersion");
    if (!rv.isEmpty() && !rv.equals("0")) {
      try {
        Long.parseLong(rv);
      } catch (NumberFormatException e) {
        throw Statuses.badRequest("invalid resource version: " + rv);
      }
    }
    return new WatchRequest(
        filter,
        rv,
        initial,
        req.flag("allowWatchBookmarks"),
        timeout,
        OutputFormat.negotiate(req.accept()),
        req.param("includeObject"));
  }

  /** Starts streaming; blocking (initial list), call on a worker thread. */
  public void serve(ApiRequest req, WatchRequest watch, WatchSink response) {
    WatchCache cache = caches.forType(req.type());
    boolean sendCurrent =
        watch.sendInitialEvents()
            || watch.resourceVersion().isEmpty()
            || watch.resourceVersion().equals("0");
    if (!sendCurrent) {
      long start = Long.parseLong(watch.resourceVersion());
      WatchStream stream = new WatchStream(vertx, response, req.type(), watch, shaper, start);
      stream.open();
      subscribe(cache, start, stream);
      return;
    }
    StoredList current = listAll(req, watch.filter());
    WatchStream stream =
        new WatchStream(vertx, response, req.type(), watch, shaper, current.revision());
    stream.open();
    for (ObjectNode item : current.items()) {
      stream.initial(item);
    }
    if (watch.sendInitialEvents()) {
      stream.initialEventsEnd();
    }
    subscribe(cache, current.revision(), stream);
  }

  private static void subscribe(WatchCache cache, long start, WatchStream stream) {
    try {
      stream.attach(cache.subscribe(start, stream));
    } catch (ApiException e) {
      stream.error(e.status());
    }
  }

  private StoredList listAll(ApiRequest req, ObjectFilter filter) {
    StoredList all = store.list(req.type(), filter.namespace(), 0, null, 0);
    java.util.List<ObjectNode> matched = new java.util.ArrayList<>();
    for (ObjectNode item : all.items()) {
      if (filter.matches(item)) {
        matched.add(item);
      }
    }
    return new StoredList(matched, all.revision(), null, -1);
  }
}
