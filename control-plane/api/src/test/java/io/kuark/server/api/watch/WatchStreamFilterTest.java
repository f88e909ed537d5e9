package io.kuark.server.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.select.ObjectFilter;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.sqlite.SqliteStorage;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a watch stream sends for the cache's events: a namespace-only watch (served from the frame
 * bytes and the key's namespace, without decoding) and a label-selector watch (objects moving in
 * and out of the selection) must both see exactly upstream's events.
 */
class WatchStreamFilterTest {

  private static final String PREFIX = "/registry/core/configmaps/";
  private static final ResourceType CONFIG_MAPS =
      new ResourceType(
          "",
          "v1",
          "ConfigMap",
          "configmaps",
          "configmap",
          List.of("cm"),
          List.of(),
          true,
          ResourceType.STANDARD_VERBS,
          List.of(),
          "ConfigMapList",
          null);

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static byte[] configMap(String namespace, String name, String label) {
    return ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\""
            + namespace
            + "\",\"labels\":{\"v\":\""
            + label
            + "\"}},\"data\":{\"k\":\""
            + label
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The frames a stream wrote, as "TYPE name rv". */
  private static final class FrameSink implements WatchSink {
    final List<String> frames = new CopyOnWriteArrayList<>();
    final List<byte[]> raw = new CopyOnWriteArrayList<>();

    @Override
    public void open(Runnable onClientGone) {}

    @Override
    public void write(byte[] frame) {
      raw.add(frame);
      var event = Json.readStored(frame);
      frames.add(
          event.path("type").asText()
              + " "
              + event.path("object").path("metadata").path("name").asText()
              + " "
              + event.path("object").path("metadata").path("resourceVersion").asText());
    }

    @Override
    public boolean full() {
      return false;
    }

    @Override
    public void end() {}
  }

  private WatchStream stream(FrameSink sink, ObjectFilter filter, long from) {
    WatchRequest request =
        new WatchRequest(filter, Long.toString(from), false, false, 600, OutputFormat.OBJECT, "");
    return new WatchStream(vertx, sink, CONFIG_MAPS, request, null, from);
  }

  @Test
  void aNamespaceWatchSeesItsNamespaceOnlyWithEveryEventType(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache = new WatchCache(storage, PREFIX, 64).start()) {
      long start = storage.currentRevision();
      FrameSink sink = new FrameSink();
      cache.subscribe(start, stream(sink, ObjectFilter.of("a", null, null), start));

      KeyValue a1 = storage.create(PREFIX + "a/one", configMap("a", "one", "x"), null);
      KeyValue b1 = storage.create(PREFIX + "ab/one", configMap("ab", "one", "x"), null);
      KeyValue a2 =
          storage.update(PREFIX + "a/one", configMap("a", "one", "y"), a1.modRevision(), null);
      storage.update(PREFIX + "ab/one", configMap("ab", "one", "y"), b1.modRevision(), null);
      KeyValue a3 = storage.delete(PREFIX + "a/one", a2.modRevision());
      KeyValue last = storage.create(PREFIX + "a/two", configMap("a", "two", "x"), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> sink.frames.size() >= 4);

      assertThat(sink.frames)
          .containsExactly(
              "ADDED one " + a1.modRevision(),
              "MODIFIED one " + a2.modRevision(),
              "DELETED one " + a3.modRevision(),
              "ADDED two " + last.modRevision());
      // The frame carries exactly the JSON the object tree would encode to.
      var modified = Json.readStored(sink.raw.get(1)).path("object");
      assertThat(new String(sink.raw.get(1), StandardCharsets.UTF_8))
          .isEqualTo(
              "{\"type\":\"MODIFIED\",\"object\":"
                  + new String(Json.bytes(modified), StandardCharsets.UTF_8)
                  + "}\n");
    }
  }

  @Test
  void aLabelWatchSeesObjectsMoveInAndOutOfItsSelection(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache = new WatchCache(storage, PREFIX, 64).start()) {
      long start = storage.currentRevision();
      FrameSink sink = new FrameSink();
      cache.subscribe(start, stream(sink, ObjectFilter.of("a", "v=y", null), start));

      KeyValue c = storage.create(PREFIX + "a/one", configMap("a", "one", "x"), null);
      KeyValue in =
          storage.update(PREFIX + "a/one", configMap("a", "one", "y"), c.modRevision(), null);
      KeyValue out =
          storage.update(PREFIX + "a/one", configMap("a", "one", "z"), in.modRevision(), null);
      storage.create(PREFIX + "b/one", configMap("b", "one", "y"), null);
      KeyValue last = storage.create(PREFIX + "a/two", configMap("a", "two", "y"), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> sink.frames.size() >= 3);

      assertThat(sink.frames)
          .containsExactly(
              "ADDED one " + in.modRevision(),
              "DELETED one " + out.modRevision(),
              "ADDED two " + last.modRevision());
    }
  }

  @Test
  void theNamespaceOfAnEventComesFromItsKey(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache namespaced = new WatchCache(storage, PREFIX, 4);
        WatchCache cluster = new WatchCache(storage, "/registry/core/nodes/", 4)) {
      assertThat(namespaced.namespaceOf(PREFIX + "kube-system/coredns")).isEqualTo("kube-system");
      assertThat(cluster.namespaceOf("/registry/core/nodes/node-1")).isEmpty();
    }
  }
}
