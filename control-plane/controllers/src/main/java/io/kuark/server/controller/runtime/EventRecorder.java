package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events about objects, asynchronously so a sync never waits for it. A repeat of
 * the same (object, type, reason, message) bumps {@code count} and {@code lastTimestamp} of the
 * earlier Event instead of creating a new one, like upstream's event correlator.
 */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final int REMEMBERED = 4096;
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  private final KubernetesClient client;
  private final String component;
  private final ExecutorService executor;
  private final Clock clock;
  private final Predicate<String> terminating;

  /** An Event this recorder wrote and how often it has counted it. */
  private record Seen(String name, java.util.concurrent.atomic.AtomicInteger count) {}

  private final Map<String, Seen> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > REMEMBERED;
        }
      };

  public EventRecorder(
      KubernetesClient client, String component, ExecutorService executor, Clock clock) {
    this(client, component, executor, clock, namespace -> false);
  }

  /**
   * As above, dropping the events of namespaces {@code terminating} says are being deleted: the API
   * refuses new objects there (403, NamespaceLifecycle), and in a burst the events of pods whose
   * namespace was deleted right after them arrive late by the dozen, each a full request.
   */
  public EventRecorder(
      KubernetesClient client,
      String component,
      ExecutorService executor,
      Clock clock,
      Predicate<String> terminating) {
    this.client = client;
    this.component = component;
    this.executor = executor;
    this.clock = clock;
    this.terminating = terminating;
  }

  public void normal(HasMetadata obj, String reason, String message) {
    record(obj, "Normal", reason, message);
  }

  public void warning(HasMetadata obj, String reason, String message) {
    record(obj, "Warning", reason, message);
  }

  private void record(HasMetadata obj, String type, String reason, String message) {
    try {
      executor.execute(() -> write(obj, type, reason, message));
    } catch (RejectedExecutionException e) {
      // Shutting down: events are best effort.
    }
  }

  private void write(HasMetadata obj, String type, String reason, String message) {
    String namespace = obj.getMetadata().getNamespace();
    if (namespace == null || namespace.isEmpty()) {
      namespace = "default";
    }
    if (terminating.test(namespace)) {
      LOG.debugf("%s: namespace %s is terminating, event %s dropped", component, namespace, reason);
      return;
    }
    String correlation =
        obj.getMetadata().getUid() + "\u0000" + type + "\u0000" + reason + "\u0000" + message;
    String now = Times.now(clock);
    Seen existing;
    synchronized (recent) {
      existing = recent.get(correlation);
    }
    try {
      if (existing != null) {
        // A merge patch with the count this recorder keeps (as upstream's correlator does): no
        // read first, so the components need only create and patch on events. (Patching by name
        // alone makes fabric8 GET the object first; patching a stub of it does not.)
        int count = existing.count.incrementAndGet();
        Event stub =
            new EventBuilder()
                .withNewMetadata()
                .withName(existing.name)
                .withNamespace(namespace)
                .endMetadata()
                .build();
        client
            .v1()
            .events()
            .inNamespace(namespace)
            .resource(stub)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}");
        return;
      }
    } catch (RuntimeException e) {
      // The earlier Event expired or vanished: fall through and create a fresh one.
    }
    java.time.Instant at = clock.instant();
    long unique = at.getEpochSecond() * 1_000_000_000L + at.getNano() + SEQUENCE.incrementAndGet();
    String name = obj.getMetadata().getName() + "." + Long.toHexString(unique);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(obj.getApiVersion())
                    .withKind(obj.getKind())
                    .withNamespace(obj.getMetadata().getNamespace())
                    .withName(obj.getMetadata().getName())
                    .withUid(obj.getMetadata().getUid())
                    .withResourceVersion(obj.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withReportingComponent(component)
            .withReportingInstance(component)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
      synchronized (recent) {
        recent.put(correlation, new Seen(name, new java.util.concurrent.atomic.AtomicInteger(1)));
      }
    } catch (RuntimeException e) {
      LOG.debugf("%s: could not record event %s on %s: %s", component, reason, name, e.toString());
    }
  }
}
