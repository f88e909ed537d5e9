package io.kuark.server.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ForwardingStorage;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectMirrorTest {

  private static final ResourceType QUOTAS =
      ResourceCatalog.builtIns().find("", "v1", "resourcequotas").orElseThrow();

  /** Counts the reads that reach storage. */
  private static final class CountingStorage extends ForwardingStorage {
    final AtomicInteger reads = new AtomicInteger();

    CountingStorage(Storage inner) {
      super(inner);
    }

    @Override
    public Optional<KeyValue> get(String key) {
      reads.incrementAndGet();
      return inner.get(key);
    }

    @Override
    public ListResult list(String prefix, int limit, String continueToken, long atRevision) {
      reads.incrementAndGet();
      return inner.list(prefix, limit, continueToken, atRevision);
    }
  }

  /** Holds up the watch cache's fan-out (it delivers to subscribers in order, one at a time). */
  private static final class Gate implements WatchSubscriber {
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch reached = new CountDownLatch(1);

    @Override
    public void onEvent(CachedEvent event) {
      reached.countDown();
      try {
        open.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onTerminated(String reason) {}
  }

  private static ObjectNode quota(String namespace, String name, String pods) throws Exception {
    return (ObjectNode)
        new ObjectMapper()
            .readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\""
                    + name
                    + "\",\"namespace\":\""
                    + namespace
                    + "\"},\"spec\":{\"hard\":{\"pods\":\""
                    + pods
                    + "\"}}}");
  }

  private static List<String> names(List<ObjectNode> objects) {
    return objects.stream().map(o -> o.path("metadata").path("name").asText()).sorted().toList();
  }

  @Test
  void anUpToDateMirrorAnswersByNamespaceWithoutReadingStorage(@TempDir Path dir) throws Exception {
    try (CountingStorage storage = new CountingStorage(SqliteStorage.open(dir.resolve("s.db")));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      store.create(QUOTAS, quota("a", "listed", "1"));
      ObjectMirror mirror = new ObjectMirror(store, caches, QUOTAS);
      assertThat(mirror.list("a").map(ObjectMirrorTest::names)).contains(List.of("listed"));

      StoredObject watched = store.create(QUOTAS, quota("a", "watched", "2"));
      store.create(QUOTAS, quota("b", "elsewhere", "3"));
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> mirror.list("b").map(l -> l.size() == 1).orElse(false));

      int before = storage.reads.get();
      assertThat(mirror.list("a").map(ObjectMirrorTest::names))
          .contains(List.of("listed", "watched"));
      assertThat(mirror.list("none")).contains(List.of());
      assertThat(mirror.get("a", "watched").orElseThrow().orElseThrow())
          .isEqualTo(watched.object());
      assertThat(mirror.get("a", "gone")).contains(Optional.empty());
      assertThat(storage.reads.get()).isEqualTo(before);

      store.delete(QUOTAS, watched.object(), watched.modRevision());
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> mirror.get("a", "watched").equals(Optional.of(Optional.empty())));
      assertThat(mirror.list("a").map(ObjectMirrorTest::names)).contains(List.of("listed"));
    }
  }

  @Test
  void aMirrorBehindAnAcknowledgedWriteSendsReadersToStorage(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      StoredObject created = store.create(QUOTAS, quota("a", "q", "1"));
      // The gate subscribes first, so the cache hands it each event before the mirror.
      Gate gate = new Gate();
      caches.forType(QUOTAS).subscribe(storage.currentRevision(), gate);
      ObjectMirror mirror = new ObjectMirror(store, caches, QUOTAS);
      assertThat(
              mirror.list("a").orElseThrow().get(0).path("spec").path("hard").path("pods").asText())
          .isEqualTo("1");

      ObjectNode changed = created.object().deepCopy();
      changed.with("spec").with("hard").put("pods", "2");
      StoredObject updated = store.update(QUOTAS, changed, created.modRevision());
      assertThat(gate.reached.await(1, TimeUnit.MINUTES)).isTrue();

      // The update is acknowledged but not applied: no answer rather than the old quota.
      assertThat(mirror.list("a")).isEmpty();
      assertThat(mirror.get("a", "q")).isEmpty();

      gate.open.countDown();
      await().atMost(Duration.ofMinutes(1)).until(() -> mirror.list("a").isPresent());
      assertThat(mirror.get("a", "q").orElseThrow().orElseThrow().path("metadata"))
          .isEqualTo(updated.object().path("metadata"));
    }
  }

  @Test
  void afterItsWatchEndsTheMirrorListsAgainOrSendsReadersToStorage(@TempDir Path dir)
      throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"))) {
      ObjectStore store = new ObjectStore(storage);
      store.create(QUOTAS, quota("a", "q", "1"));
      WatchCaches caches = new WatchCaches(storage, 64);
      ObjectMirror mirror = new ObjectMirror(store, caches, QUOTAS);
      assertThat(mirror.list("a").orElseThrow()).hasSize(1);

      caches.close();

      assertThat(mirror.list("a")).isEmpty();
    }
  }
}
