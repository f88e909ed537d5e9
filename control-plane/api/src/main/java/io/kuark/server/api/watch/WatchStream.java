package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResponseShaper;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.apimodel.ResourceType;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One client's watch: filters the cache's events through the watch's selectors (an object moving
 * into the selection is ADDED, out of it DELETED, as upstream does), shapes them (object, Table,
 * metadata), writes them as a chunked JSON stream and sends bookmarks. Ends at the timeout, when
 * the client goes away, when the cache terminates it, or when the client reads too slowly.
 */
public final class WatchStream implements WatchSubscriber {

  private static final Logger LOG = Logger.getLogger(WatchStream.class);
  static final long BOOKMARK_INTERVAL_MS = 30_000;
  public static final int MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

  private final Vertx vertx;
  private final WatchSink sink;
  private final ResourceType type;
  private final WatchRequest request;
  private final ResponseShaper shaper;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile long lastRevision;
  private volatile boolean columnsSent;
  private volatile WatchCache.Subscription subscription;
  private long timeoutTimer = -1;
  private long bookmarkTimer = -1;

  public WatchStream(
      Vertx vertx,
      WatchSink sink,
      ResourceType type,
      WatchRequest request,
      ResponseShaper shaper,
      long startRevision) {
    this.vertx = vertx;
    this.sink = sink;
    this.type = type;
    this.request = request;
    this.shaper = shaper;
    this.lastRevision = startRevision;
  }

  /** Sends headers and arms the timers; call before any event. */
  public void open() {
    sink.open(this::end);
    timeoutTimer = vertx.setTimer(Math.max(1, request.timeoutSeconds()) * 1000, id -> end());
    if (request.bookmarks()) {
      bookmarkTimer = vertx.setPeriodic(BOOKMARK_INTERVAL_MS, id -> bookmark(false));
    }
  }

  /** Attaches the cache subscription, so that ending the stream also unsubscribes. */
  public void attach(WatchCache.Subscription s) {
    this.subscription = s;
    if (ended.get()) {
      s.close();
    }
  }

  /** Sends one current object as ADDED (initial events). */
  public void initial(ObjectNode object) {
    write("ADDED", object);
  }

  /** The bookmark marking the end of the initial events ({@code k8s.io/initial-events-end}). */
  public void initialEventsEnd() {
    bookmark(true);
  }

  /** Sends an ERROR event with {@code status} and ends the stream. */
  public void error(ObjectNode status) {
    if (!ended.get()) {
      sink.write(WatchFrames.frame("ERROR", status));
    }
    end();
  }

  @Override
  public void onEvent(CachedEvent event) {
    if (ended.get() || event.revision() <= lastRevision) {
      return;
    }
    lastRevision = event.revision();
    String kind =
        request.filter().namespaceOnly()
            ? (request.filter().matchesNamespace(event.namespace()) ? event.type() : null)
            : selectedKind(event);
    if (kind == null) {
      return;
    }
    if (request.format().kind() == OutputFormat.Kind.OBJECT) {
      send(event.frame(kind));
    } else {
      write(kind, event.object());
    }
  }

  /**
   * The event type this watch sees under its selectors: an object moving into the selection is
   * ADDED, out of it DELETED; null when it is outside before and after.
   */
  private String selectedKind(CachedEvent event) {
    boolean now = request.filter().matches(event.object());
    String kind;
    switch (event.type()) {
      case "ADDED":
        kind = now ? "ADDED" : null;
        break;
      case "MODIFIED":
        {
          boolean before = event.previous() != null && request.filter().matches(event.previous());
          kind = now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
          break;
        }
      default:
        {
          boolean before = event.previous() != null && request.filter().matches(event.previous());
          kind = now || before ? "DELETED" : null;
          break;
        }
    }
    return kind;
  }

  @Override
  public void onTerminated(String reason) {
    end();
  }

  private void write(String kind, ObjectNode object) {
    JsonNode shaped =
        shaper.single(type, object, request.format(), request.includeObject(), !columnsSent);
    columnsSent = true;
    send(WatchFrames.frame(kind, shaped));
  }

  private void bookmark(boolean initialEnd) {
    if (ended.get()) {
      return;
    }
    ObjectNode object = Json.object();
    object.put("kind", type.kind());
    object.put("apiVersion", type.apiVersion());
    ObjectNode meta = object.putObject("metadata");
    meta.put("resourceVersion", Long.toString(lastRevision));
    if (initialEnd) {
      meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
    }
    send(WatchFrames.frame("BOOKMARK", object));
  }

  private void send(byte[] frame) {
    if (ended.get()) {
      return;
    }
    if (sink.full()) {
      LOG.debugf("closing watch of %s: client reads too slowly", type.plural());
      end();
      return;
    }
    sink.write(frame);
  }

  /** Ends the stream; idempotent. */
  public void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    WatchCache.Subscription s = subscription;
    if (s != null) {
      s.close();
    }
    vertx.cancelTimer(timeoutTimer);
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
    }
    sink.end();
  }
}
