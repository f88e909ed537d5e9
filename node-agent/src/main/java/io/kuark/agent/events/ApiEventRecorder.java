package io.kuark.agent.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kuark.agent.PatchTargets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes events to the API server from one background thread, as upstream's event broadcaster and
 * correlator do: an event identical to an earlier one (same object, type, reason and message) bumps
 * that event's {@code count} and {@code lastTimestamp} instead of adding another object, and each
 * involved object gets a budget of 25 events refilled at one per five minutes, so a probe failing
 * every second cannot flood the API. When the queue is full, events are dropped, never the caller
 * delayed.
 */
public final class ApiEventRecorder implements EventRecorder, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ApiEventRecorder.class);
  private static final String COMPONENT = "kubelet";
  private static final int QUEUE = 1000;
  private static final int REMEMBERED = 4096;

  private record Pending(
      ObjectReference about, String type, String reason, String message, Instant at) {}

  /** An event already written: its name and how often it happened. */
  private static final class Written {
    final String namespace;
    final String name;
    int count;

    Written(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
      this.count = 1;
    }
  }

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
  private final EventBudgets budgets;
  private final Map<String, Written> written =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
          return size() > REMEMBERED;
        }
      };

  /**
   * Namespaces the API refused events for because they are being deleted (403 NamespaceTerminating)
   * or gone (404 on the namespace), with when that was learnt; only the sender thread uses it.
   * Events recorded before then about such a namespace are dropped unsent: a burst of pod deletions
   * with their namespace otherwise sends every queued event late, each only to be refused. Events
   * recorded later are tried (a namespace may be created again).
   */
  private final Map<String, Instant> closedNamespaces = new java.util.HashMap<>();

  private long droppedClosed;

  private final Thread sender;
  private volatile boolean closed;
  private long dropped;
  private long lastNanos;

  public ApiEventRecorder(KubernetesClient client, String nodeName, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
    this.budgets = new EventBudgets(clock);
    this.sender = new Thread(this::sendLoop, "kuark-events");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void record(ObjectReference about, String type, String reason, String message) {
    if (closed || about == null) {
      return;
    }
    if (!queue.offer(new Pending(about, type, reason, message, clock.instant()))) {
      synchronized (this) {
        if (dropped++ % 100 == 0) {
          LOG.warnf("event queue full: dropped %d event(s), e.g. %s %s", dropped, reason, message);
        }
      }
    }
  }

  private void sendLoop() {
    while (!closed) {
      Pending pending;
      try {
        pending = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (pending == null) {
        continue;
      }
      String namespace = namespaceOf(pending.about());
      Instant closedAt = closedNamespaces.get(namespace);
      if (closedAt != null && !pending.at().isAfter(closedAt)) {
        droppedClosed++;
        LOG.debugf(
            "event %s about %s dropped: namespace %s is being deleted (%d dropped so far)",
            pending.reason(), pending.about().getName(), namespace, droppedClosed);
        continue;
      }
      try {
        send(pending);
      } catch (KubernetesClientException e) {
        if (namespaceClosed(e, namespace)) {
          closedNamespaces.put(namespace, clock.instant());
          if (closedNamespaces.size() > REMEMBERED) {
            closedNamespaces.clear(); // a bound, not a cache policy: forgetting only costs sends
          }
        }
        LOG.debugf(
            "event %s about %s not written: %s",
            pending.reason(), pending.about().getName(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.debugf(
            "event %s about %s not written: %s",
            pending.reason(), pending.about().getName(), e.getMessage());
      }
    }
  }

  private static String namespaceOf(ObjectReference about) {
    return about.getNamespace() == null || about.getNamespace().isEmpty()
        ? "default"
        : about.getNamespace();
  }

  /**
   * Whether the API refused a write into {@code namespace} because the namespace is being deleted
   * (NamespaceLifecycle's 403 with cause NamespaceTerminating) or no longer exists (404 naming the
   * namespace, not the event).
   */
  static boolean namespaceClosed(KubernetesClientException e, String namespace) {
    io.fabric8.kubernetes.api.model.Status status = e.getStatus();
    io.fabric8.kubernetes.api.model.StatusDetails details =
        status == null ? null : status.getDetails();
    if (e.getCode() == 403) {
      if (details != null && details.getCauses() != null) {
        for (io.fabric8.kubernetes.api.model.StatusCause cause : details.getCauses()) {
          if ("NamespaceTerminating".equals(cause.getReason())) {
            return true;
          }
        }
      }
      return e.getMessage() != null && e.getMessage().contains("because it is being terminated");
    }
    return e.getCode() == 404
        && details != null
        && "namespaces".equals(details.getKind())
        && namespace.equals(details.getName());
  }

  private void send(Pending pending) {
    ObjectReference about = pending.about();
    String objectKey =
        about.getKind() + "/" + about.getNamespace() + "/" + about.getName() + "/" + about.getUid();
    if (!budgets.take(objectKey)) {
      return;
    }
    String key =
        objectKey
            + "/"
            + about.getFieldPath()
            + "/"
            + pending.type()
            + "/"
            + pending.reason()
            + "/"
            + pending.message();
    String timestamp = pending.at().truncatedTo(ChronoUnit.SECONDS).toString();
    Written seen = written.get(key);
    if (seen != null) {
      seen.count++;
      try {
        // A stub names the request: patching by name alone makes fabric8 GET first (PatchTargets).
        client
            .v1()
            .events()
            .inNamespace(seen.namespace)
            .resource(PatchTargets.named(new Event(), seen.namespace, seen.name, null))
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"count\":" + seen.count + ",\"lastTimestamp\":\"" + timestamp + "\"}");
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        // Expired (events live an hour): start a new one.
        written.remove(key);
      }
    }
    String namespace = namespaceOf(about);
    // Upstream names an event after its object and the time in nanoseconds; strictly increasing
    // here so that two events in one clock tick (or under a coarse clock) never collide.
    long nanos = pending.at().getEpochSecond() * 1_000_000_000L + pending.at().getNano();
    lastNanos = Math.max(lastNanos + 1, nanos);
    String name = about.getName() + "." + Long.toHexString(lastNanos);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(about)
            .withType(pending.type())
            .withReason(pending.reason())
            .withMessage(pending.message())
            .withFirstTimestamp(timestamp)
            .withLastTimestamp(timestamp)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .withHost(nodeName)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(nodeName)
            .build();

    client.v1().events().inNamespace(namespace).resource(event).create();

    written.put(key, new Written(namespace, name));
  }

  /** Stops the sender; events still queued are dropped. */
  @Override
  public void close() {
    closed = true;
    sender.interrupt();
    try {
      sender.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
