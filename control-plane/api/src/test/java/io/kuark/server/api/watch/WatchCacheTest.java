package io.kuark.server.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchCacheTest {

  private static final String PREFIX = "/registry/core/configmaps/";
  private static final String KEY = PREFIX + "default/c";

  private static byte[] configMap(String value) {
    return ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\","
            + "\"namespace\":\"default\",\"labels\":{\"v\":\""
            + value
            + "\"}},\"data\":{\"k\":\""
            + value
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What a subscriber saw of one event, read while it was being delivered. */
  private record Seen(String type, String value, String resourceVersion, String previousValue) {}

  private static final class Recorder implements WatchSubscriber {
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(CachedEvent event) {
      seen.add(
          new Seen(
              event.type(),
              event.object().path("data").path("k").asText(),
              event.object().path("metadata").path("resourceVersion").asText(),
              event.previous() == null
                  ? null
                  : event.previous().path("metadata").path("labels").path("v").asText()));
    }

    @Override
    public void onTerminated(String reason) {}
  }

  @Test
  void theWindowKeepsBytesAndDecodesAgainForLateSubscribers(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache = new WatchCache(storage, PREFIX, 16).start()) {
      long start = storage.currentRevision();
      Recorder live = new Recorder();
      cache.subscribe(start, live);
      KeyValue created = storage.create(KEY, configMap("one"), null);
      KeyValue updated = storage.update(KEY, configMap("two"), created.modRevision(), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> live.seen.size() == 2);

      assertThat(live.seen)
          .containsExactly(
              new Seen("ADDED", "one", Long.toString(created.modRevision()), null),
              new Seen("MODIFIED", "two", Long.toString(updated.modRevision()), "one"));
      // Once delivered, the window holds the events as bytes only.
      List<CachedEvent> window = new ArrayList<>();
      for (Iterator<CachedEvent> it = cache.iterator(); it.hasNext(); ) {
        window.add(it.next());
      }
      assertThat(window).hasSize(2).allMatch(CachedEvent::released);
      assertThat(new String(window.get(1).frame("MODIFIED"), StandardCharsets.UTF_8))
          .startsWith("{\"type\":\"MODIFIED\",\"object\":{")
          .contains("\"resourceVersion\":\"" + updated.modRevision() + "\"")
          .endsWith("}\n");

      // A watcher starting from the first revision gets both again, decoded from the bytes.
      Recorder late = new Recorder();
      cache.subscribe(start, late);
      assertThat(late.seen).isEqualTo(live.seen);
      assertThat(window).allMatch(CachedEvent::released);
    }
  }

  @Test
  void previousVersionsAreTheSameWhetherSharedFromTheWindowOrDecodedFromStorage(@TempDir Path dir) {
    // Capacity 2: the update's predecessor (the create) is in the window, the deletion's
    // predecessor (the update) too, but a later update of another object pushes the create out,
    // so the second update of "c" finds no predecessor and keeps the stored previous version.
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache = new WatchCache(storage, PREFIX, 2).start()) {
      long start = storage.currentRevision();
      Recorder live = new Recorder();
      cache.subscribe(start, live);
      KeyValue created = storage.create(KEY, configMap("one"), null);
      KeyValue updated = storage.update(KEY, configMap("two"), created.modRevision(), null);
      KeyValue other = storage.create(PREFIX + "default/d", configMap("x"), null);
      storage.create(PREFIX + "default/e", configMap("y"), null);
      KeyValue again = storage.update(KEY, configMap("three"), updated.modRevision(), null);
      storage.delete(KEY, again.modRevision());
      await().atMost(Duration.ofMinutes(1)).until(() -> live.seen.size() == 6);

      assertThat(live.seen.get(1)).isEqualTo(new Seen("MODIFIED", "two", rv(updated), "one"));
      assertThat(live.seen.get(4)).isEqualTo(new Seen("MODIFIED", "three", rv(again), "two"));
      assertThat(live.seen.get(5).type()).isEqualTo("DELETED");
      assertThat(live.seen.get(5).previousValue()).isEqualTo("three");
      // Shared or decoded, the previous version carries its own resourceVersion.
      List<CachedEvent> window = new ArrayList<>();
      for (Iterator<CachedEvent> it = cache.iterator(); it.hasNext(); ) {
        window.add(it.next());
      }
      assertThat(window).hasSize(2);
      assertThat(window.get(0).previous().path("metadata").path("resourceVersion").asText())
          .isEqualTo(rv(updated));
      assertThat(window.get(1).previous().path("metadata").path("resourceVersion").asText())
          .isEqualTo(rv(again));
      assertThat(other.modRevision()).isLessThan(again.modRevision());
    }
  }

  @Test
  void eventsOfOneNamespaceShareItsStringAndUpdatesShareTheirPredecessorsKey(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache = new WatchCache(storage, PREFIX, 16).start()) {
      // Every write brings its own key String, as a request does.
      KeyValue c = storage.create(new String(KEY), configMap("one"), null);
      storage.create(new String(PREFIX + "default/d"), configMap("x"), null);
      storage.create(new String(PREFIX + "other/e"), configMap("y"), null);
      storage.create(new String(PREFIX + "other/f"), configMap("z"), null);
      storage.update(new String(KEY), configMap("two"), c.modRevision(), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> cache.size() == 5);

      List<CachedEvent> window = new ArrayList<>();
      for (Iterator<CachedEvent> it = cache.iterator(); it.hasNext(); ) {
        window.add(it.next());
      }
      assertThat(window)
          .extracting(CachedEvent::namespace)
          .containsExactly("default", "default", "other", "other", "default");
      assertThat(window.get(1).namespace()).isSameAs(window.get(0).namespace());
      assertThat(window.get(3).namespace()).isSameAs(window.get(2).namespace());
      assertThat(window.get(4).namespace()).isSameAs(window.get(0).namespace());
      assertThat(window.get(4).key()).isEqualTo(KEY).isSameAs(window.get(0).key());
      assertThat(window.get(4).object().path("data").path("k").asText()).isEqualTo("two");
      assertThat(window.get(4).previous().path("data").path("k").asText()).isEqualTo("one");
    }
  }

  @Test
  void eventsOlderThanTheFreshnessPeriodLeaveTheWindowOnTheNextAppend(@TempDir Path dir) {
    AtomicLong now = new AtomicLong();
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache =
            new WatchCache(storage, PREFIX, 16, Duration.ofSeconds(75), 1, now::get).start()) {
      long start = storage.currentRevision();
      KeyValue a = storage.create(PREFIX + "default/a", configMap("a"), null);
      KeyValue b = storage.create(PREFIX + "default/b", configMap("b"), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> cache.size() == 2);

      // Within the freshness period both stay, and a watch from before them gets both.
      now.set(Duration.ofSeconds(75).toNanos());
      cache.trim();
      assertThat(cache.size()).isEqualTo(2);
      Recorder early = new Recorder();
      cache.subscribe(start, early).close();
      assertThat(early.seen).extracting(Seen::value).containsExactly("a", "b");

      now.set(Duration.ofSeconds(76).toNanos());
      KeyValue c = storage.create(PREFIX + "default/c", configMap("c"), null);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> cache.progressRevision() == c.modRevision());

      assertThat(cache.size()).isEqualTo(1);
      assertThat(cache.windowStart()).isEqualTo(b.modRevision());
      assertThatThrownBy(() -> cache.subscribe(a.modRevision(), new Recorder()))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
      // Resuming from the last dropped event's revision still misses nothing.
      Recorder resumed = new Recorder();
      cache.subscribe(b.modRevision(), resumed);
      assertThat(resumed.seen).extracting(Seen::value).containsExactly("c");
    }
  }

  @Test
  void anIdleWindowIsTrimmedByAgeDownToItsMinimum(@TempDir Path dir) {
    AtomicLong now = new AtomicLong();
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCache cache =
            new WatchCache(storage, PREFIX, 16, Duration.ofSeconds(75), 2, now::get).start()) {
      KeyValue created = storage.create(KEY, configMap("one"), null);
      KeyValue updated = storage.update(KEY, configMap("two"), created.modRevision(), null);
      KeyValue again = storage.update(KEY, configMap("three"), updated.modRevision(), null);
      await().atMost(Duration.ofMinutes(1)).until(() -> cache.size() == 3);

      now.set(Duration.ofMinutes(10).toNanos());
      cache.trim();

      // The newest two stay however old; the rest is gone as if pushed out by count.
      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.windowStart()).isEqualTo(created.modRevision());
      Recorder resumed = new Recorder();
      cache.subscribe(created.modRevision(), resumed);
      assertThat(resumed.seen)
          .containsExactly(
              new Seen("MODIFIED", "two", rv(updated), "one"),
              new Seen("MODIFIED", "three", rv(again), "two"));
      assertThatThrownBy(() -> cache.subscribe(created.modRevision() - 1, new Recorder()))
          .isInstanceOf(ApiException.class);
    }
  }

  @Test
  void aMinimumAboveTheCapacityIsRefused(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"))) {
      assertThatThrownBy(
              () -> new WatchCache(storage, PREFIX, 4, Duration.ofSeconds(75), 5, System::nanoTime))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static String rv(KeyValue kv) {
    return Long.toString(kv.modRevision());
  }
}
