package io.kuark.server.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, run unchanged against every backend. A subclass provides a fresh store (and
 * can restart its backend); each test works under its own key prefix.
 */
public abstract class StorageContractIT {

  protected Storage storage;
  protected String prefix;

  /** A store ready to use; called before each test. */
  protected abstract Storage openStorage() throws Exception;

  /**
   * Restarts the backend behind {@code current} the hard way (kill -9 or equivalent) and returns
   * the store to use afterwards (the same object if it reconnects by itself).
   */
  protected abstract Storage restartBackend(Storage current) throws Exception;

  /** Whether watches opened before {@link #restartBackend} keep running across it. */
  protected abstract boolean watchesSurviveRestart();

  @BeforeEach
  void openStore() throws Exception {
    storage = openStorage();
    prefix = "/registry/test-" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void closeStore() {
    if (storage != null) {
      storage.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, UTF_8);
  }

  @Test
  void createGetUpdateDeleteWithTypedErrors() {
    String key = prefix + "a";
    assertThat(storage.get(key)).isEmpty();

    KeyValue created = storage.create(key, bytes("v1"));
    assertThat(created.createRevision()).isEqualTo(created.modRevision());
    assertThat(storage.currentRevision()).isGreaterThanOrEqualTo(created.modRevision());
    KeyValue read = storage.get(key).orElseThrow();
    assertThat(text(read.value())).isEqualTo("v1");
    assertThat(read.modRevision()).isEqualTo(created.modRevision());

    assertThatThrownBy(() -> storage.create(key, bytes("again")))
        .isInstanceOf(StorageException.AlreadyExists.class);

    assertThatThrownBy(() -> storage.update(key, bytes("stale"), created.modRevision() - 1))
        .isInstanceOfSatisfying(
            StorageException.Conflict.class,
            c -> assertThat(c.actualModRevision()).isEqualTo(created.modRevision()));

    KeyValue updated = storage.update(key, bytes("v2"), created.modRevision());
    assertThat(updated.modRevision()).isGreaterThan(created.modRevision());
    assertThat(updated.createRevision()).isEqualTo(created.createRevision());
    assertThat(text(storage.get(key).orElseThrow().value())).isEqualTo("v2");

    assertThatThrownBy(() -> storage.update(prefix + "missing", bytes("x"), 1))
        .isInstanceOf(StorageException.NotFound.class);
    assertThatThrownBy(() -> storage.delete(key, created.modRevision()))
        .isInstanceOf(StorageException.Conflict.class);

    KeyValue deleted = storage.delete(key, updated.modRevision());
    assertThat(deleted.modRevision()).isGreaterThan(updated.modRevision());
    assertThat(text(deleted.value())).isEqualTo("v2");
    assertThat(storage.get(key)).isEmpty();
    assertThatThrownBy(() -> storage.delete(key, 0)).isInstanceOf(StorageException.NotFound.class);

    KeyValue recreated = storage.create(key, bytes("v3"));
    assertThat(recreated.createRevision()).isGreaterThan(deleted.modRevision());
    // Unconditional delete (expected revision 0).
    assertThat(storage.delete(key, 0).modRevision()).isGreaterThan(recreated.modRevision());
  }

  @Test
  void concurrentGuaranteedUpdatesLoseNoIncrement() throws Exception {
    String key = prefix + "counter";
    int threads = 8;
    int increments = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < increments; i++) {
                    storage.guaranteedUpdate(
                        key,
                        current ->
                            bytes(
                                Long.toString(
                                    current.map(kv -> Long.parseLong(text(kv.value()))).orElse(0L)
                                        + 1)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(text(storage.get(key).orElseThrow().value()))
        .isEqualTo(Integer.toString(threads * increments));
  }

  @Test
  void listPagesWithPrefixLimitAndRemainingCount() {
    for (int i = 0; i < 10; i++) {
      storage.create(prefix + "k" + i, bytes("v" + i));
    }
    // Siblings that share a string prefix but are outside the key prefix must not appear.
    String sibling = prefix.substring(0, prefix.length() - 1) + "x/k";
    storage.create(sibling, bytes("other"));

    ListResult all = storage.list(prefix, 0, null, 0);
    assertThat(all.items()).extracting(KeyValue::key).hasSize(10).isSorted();
    assertThat(all.continueToken()).isNull();

    ListResult first = storage.list(prefix, 4, null, 0);
    assertThat(first.items())
        .extracting(KeyValue::key)
        .containsExactly(prefix + "k0", prefix + "k1", prefix + "k2", prefix + "k3");
    assertThat(first.remainingItemCount()).isEqualTo(6);
    assertThat(first.continueToken()).isNotNull();
    ListResult second = storage.list(prefix, 4, first.continueToken(), 0);
    assertThat(second.items())
        .extracting(KeyValue::key)
        .containsExactly(prefix + "k4", prefix + "k5", prefix + "k6", prefix + "k7");
    assertThat(second.remainingItemCount()).isEqualTo(2);
    ListResult third = storage.list(prefix, 4, second.continueToken(), 0);
    assertThat(third.items())
        .extracting(KeyValue::key)
        .containsExactly(prefix + "k8", prefix + "k9");
    assertThat(third.continueToken()).isNull();
    assertThat(List.of(first.revision(), second.revision(), third.revision()))
        .containsOnly(first.revision());

    assertThatThrownBy(() -> storage.list(prefix, 4, "not a token!", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void paginatedListIsOneSnapshotWhileWritesContinue() throws Exception {
    Map<String, String> initial = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      String key = prefix + String.format("item-%03d", i);
      storage.create(key, bytes("orig-" + i));
      initial.put(key, "orig-" + i);
    }
    long snapshot = storage.currentRevision();

    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<Integer> writes =
        writer.submit(
            () -> {
              int n = 0;
              while (!stop.get()) {
                int i = n % 60;
                String key = prefix + String.format("item-%03d", i);
                // Modify existing items, delete some, and add new ones in between.
                Optional<KeyValue> kv = storage.get(key);
                if (kv.isPresent() && n % 3 == 0) {
                  storage.delete(key, 0);
                } else if (kv.isPresent()) {
                  storage.update(key, bytes("changed-" + n), kv.get().modRevision());
                } else {
                  storage.create(key, bytes("new-" + n));
                }
                storage.create(prefix + String.format("item-%03d-extra-%d", i, n), bytes("x"));
                n++;
              }
              return n;
            });
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> storage.currentRevision() > snapshot + 20);

      // Pages of an explicit old revision.
      assertThat(readAllPages(snapshot, 7)).isEqualTo(initial);

      // Pages of "latest": every page reads at the first page's revision, equal to a full read.
      ListResult first = storage.list(prefix, 9, null, 0);
      Map<String, String> paged = new LinkedHashMap<>();
      first.items().forEach(kv -> paged.put(kv.key(), text(kv.value())));
      String token = first.continueToken();
      while (token != null) {
        ListResult page = storage.list(prefix, 9, token, 0);
        assertThat(page.revision()).isEqualTo(first.revision());
        page.items().forEach(kv -> paged.put(kv.key(), text(kv.value())));
        token = page.continueToken();
      }
      Map<String, String> whole = new LinkedHashMap<>();
      storage
          .list(prefix, 0, null, first.revision())
          .items()
          .forEach(kv -> whole.put(kv.key(), text(kv.value())));
      assertThat(paged).isEqualTo(whole);
    } finally {
      stop.set(true);
      assertThat(writes.get()).isPositive();
      writer.shutdownNow();
    }
  }

  private Map<String, String> readAllPages(long revision, int limit) {
    Map<String, String> out = new LinkedHashMap<>();
    ListResult page = storage.list(prefix, limit, null, revision);
    long remaining = page.remainingItemCount();
    while (true) {
      assertThat(page.revision()).isEqualTo(revision);
      page.items().forEach(kv -> out.put(kv.key(), text(kv.value())));
      if (page.continueToken() == null) {
        return out;
      }
      String token = page.continueToken();
      page = storage.list(prefix, limit, token, 0);
      assertThat(page.items().size() + Math.max(0, page.remainingItemCount())).isEqualTo(remaining);
      remaining = page.remainingItemCount();
    }
  }

  @Test
  void watchFromAnOldRevisionReplaysExactlyTheMissedEventsThenContinuesLive() {
    String a = prefix + "a";
    String b = prefix + "b";
    storage.create(prefix + "before", bytes("x"));
    long start = storage.currentRevision();

    List<String> expected = new ArrayList<>();
    KeyValue a1 = storage.create(a, bytes("a1"));
    expected.add("ADDED " + a + " a1 " + a1.modRevision() + " null");
    KeyValue b1 = storage.create(b, bytes("b1"));
    expected.add("ADDED " + b + " b1 " + b1.modRevision() + " null");
    storage.create("/registry/elsewhere-" + UUID.randomUUID(), bytes("not watched"));
    KeyValue a2 = storage.update(a, bytes("a2"), a1.modRevision());
    expected.add("MODIFIED " + a + " a2 " + a2.modRevision() + " a1");
    KeyValue bDel = storage.delete(b, b1.modRevision());
    expected.add("DELETED " + b + " b1 " + bDel.modRevision() + " b1");
    KeyValue b2 = storage.create(b, bytes("b2"));
    expected.add("ADDED " + b + " b2 " + b2.modRevision() + " null");

    EventCollector all = new EventCollector();
    EventCollector fromMiddle = new EventCollector();
    try (Storage.Watch w1 = storage.watch(prefix, start, all);
        Storage.Watch w2 = storage.watch(prefix, a2.modRevision(), fromMiddle)) {
      assertThat(describe(all.awaitEvents(5))).containsExactlyElementsOf(expected);
      assertThat(describe(fromMiddle.awaitEvents(2)))
          .containsExactlyElementsOf(expected.subList(3, 5));

      // Live events follow the replay with no gap and no duplicate.
      KeyValue a3 = storage.update(a, bytes("a3"), a2.modRevision());
      expected.add("MODIFIED " + a + " a3 " + a3.modRevision() + " a2");
      for (int i = 0; i < 20; i++) {
        KeyValue kv = storage.create(prefix + "live-" + i, bytes("l" + i));
        expected.add("ADDED " + prefix + "live-" + i + " l" + i + " " + kv.modRevision() + " null");
      }
      assertThat(describe(all.awaitEvents(expected.size()))).containsExactlyElementsOf(expected);
      assertThat(describe(fromMiddle.awaitEvents(expected.size() - 3)))
          .containsExactlyElementsOf(expected.subList(3, expected.size()));
      assertThat(all.error()).isNull();
      assertThat(all.callsOverlapped()).isFalse();
    }
  }

  @Test
  void watchFromNowSeesOnlyLaterChangesAndStopsAfterClose() {
    storage.create(prefix + "old", bytes("x"));
    EventCollector events = new EventCollector();
    Storage.Watch watch = storage.watch(prefix, 0, events);
    KeyValue fresh = storage.create(prefix + "new", bytes("y"));
    assertThat(events.awaitEvents(1))
        .extracting(e -> e.current().key())
        .containsExactly(prefix + "new");
    assertThat(events.events().get(0).revision()).isEqualTo(fresh.modRevision());
    watch.close();
    storage.create(prefix + "after-close", bytes("z"));
    KeyValue marker = storage.create(prefix + "marker", bytes("m"));
    // A second watch sees the marker; by then the closed one would have seen its events too.
    EventCollector probe = new EventCollector();
    try (Storage.Watch w = storage.watch(prefix, fresh.modRevision(), probe)) {
      assertThat(probe.awaitEvents(2).get(1).revision()).isEqualTo(marker.modRevision());
    }
    assertThat(events.events()).hasSize(1);
  }

  @Test
  void concurrentWritersAreWatchedInStrictRevisionOrder() throws Exception {
    EventCollector events = new EventCollector();
    try (Storage.Watch w = storage.watch(prefix, storage.currentRevision(), events)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    storage.create(prefix + "t" + thread + "-" + i, bytes("v"));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      List<WatchEvent> got = events.awaitEvents(200);
      assertThat(got).hasSize(200);
      assertThat(got).extracting(WatchEvent::revision).isSorted().doesNotHaveDuplicates();
      assertThat(events.callsOverlapped()).isFalse();
    }
  }

  @Test
  void compactionMakesOldRevisionsGone() {
    String key = prefix + "k";
    KeyValue kv = storage.create(key, bytes("0"));
    long early = kv.modRevision();
    for (int i = 1; i <= 10; i++) {
      kv = storage.update(key, bytes(Integer.toString(i)), kv.modRevision());
    }
    long compactAt = kv.modRevision() - 2;
    storage.compact(compactAt);
    assertThat(storage.compactedRevision()).isGreaterThanOrEqualTo(compactAt);

    assertThatThrownBy(() -> storage.list(prefix, 0, null, early))
        .isInstanceOf(StorageException.Gone.class);
    assertThat(text(storage.list(prefix, 0, null, compactAt).items().get(0).value()))
        .isEqualTo("8");
    assertThat(text(storage.get(key).orElseThrow().value())).isEqualTo("10");

    EventCollector tooOld = new EventCollector();
    try (Storage.Watch w = storage.watch(prefix, early, tooOld)) {
      assertThat(tooOld.awaitError()).isInstanceOf(StorageException.Gone.class);
      assertThat(tooOld.events()).isEmpty();
    }
    // Watching from the compacted revision itself still works and yields the later changes.
    EventCollector recent = new EventCollector();
    try (Storage.Watch w = storage.watch(prefix, compactAt, recent)) {
      assertThat(describe(recent.awaitEvents(2)))
          .containsExactly(
              "MODIFIED " + key + " 9 " + (compactAt + 1) + " 8",
              "MODIFIED " + key + " 10 " + (compactAt + 2) + " 9");
    }
    // A continue token issued before compaction is Gone afterwards.
    for (int i = 0; i < 3; i++) {
      storage.create(prefix + "p" + i, bytes("p"));
    }
    ListResult page = storage.list(prefix, 1, null, 0);
    storage.create(prefix + "later", bytes("x"));
    storage.compact(storage.currentRevision());
    assertThatThrownBy(() -> storage.list(prefix, 1, page.continueToken(), 0))
        .isInstanceOf(StorageException.Gone.class);
  }

  @Test
  void keysWithTtlExpireWithADeletedEvent() {
    EventCollector events = new EventCollector();
    try (Storage.Watch w = storage.watch(prefix, storage.currentRevision(), events)) {
      KeyValue shortLived = storage.create(prefix + "event", bytes("e"), Duration.ofSeconds(1));
      storage.create(prefix + "forever", bytes("f"));
      List<WatchEvent> got = events.awaitEvents(3);
      assertThat(got).hasSize(3);
      WatchEvent expiry = got.get(2);
      assertThat(expiry.type()).isEqualTo(WatchEvent.Type.DELETED);
      assertThat(expiry.current().key()).isEqualTo(prefix + "event");
      assertThat(text(expiry.current().value())).isEqualTo("e");
      assertThat(expiry.revision()).isGreaterThan(shortLived.modRevision());
      assertThat(storage.get(prefix + "event")).isEmpty();
      assertThat(storage.get(prefix + "forever")).isPresent();
    }
  }

  @Test
  void restartLosesNoAcknowledgedWriteAndWatchesResume() throws Exception {
    EventCollector before = new EventCollector();
    Storage.Watch watch = storage.watch(prefix, storage.currentRevision(), before);
    List<KeyValue> acked = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acked.add(storage.create(prefix + "pre-" + i, bytes("v" + i)));
    }
    before.awaitEvents(20);

    storage = restartBackend(storage);
    for (int i = 0; i < 20; i++) {
      acked.add(storage.create(prefix + "post-" + i, bytes("w" + i)));
    }
    for (KeyValue kv : acked) {
      assertThat(storage.get(kv.key()))
          .hasValueSatisfying(got -> assertThat(got.modRevision()).isEqualTo(kv.modRevision()));
    }

    List<WatchEvent> seen;
    if (watchesSurviveRestart()) {
      seen = before.awaitEvents(40);
      assertThat(before.error()).isNull();
    } else {
      // The client's part: resume from the last revision it saw.
      List<WatchEvent> first = before.events();
      EventCollector resumed = new EventCollector();
      try (Storage.Watch w =
          storage.watch(prefix, first.get(first.size() - 1).revision(), resumed)) {
        resumed.awaitEvents(40 - first.size());
        seen = new ArrayList<>(first);
        seen.addAll(resumed.events());
      }
    }
    watch.close();
    assertThat(seen)
        .extracting(WatchEvent::revision)
        .containsExactlyElementsOf(acked.stream().map(KeyValue::modRevision).toList());
  }

  /** "TYPE key value revision previousValue" for readable event comparisons. */
  protected static List<String> describe(List<WatchEvent> events) {
    List<String> out = new ArrayList<>();
    for (WatchEvent e : events) {
      out.add(
          e.type()
              + " "
              + e.current().key()
              + " "
              + text(e.current().value())
              + " "
              + e.revision()
              + " "
              + (e.previous() == null ? "null" : text(e.previous().value())));
    }
    return out;
  }
}
