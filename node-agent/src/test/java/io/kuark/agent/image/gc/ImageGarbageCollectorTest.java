package io.kuark.agent.image.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.agent.image.ImageRecord;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.image.OverlayMarks;
import io.kuark.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threshold-driven image GC on a fake image file system whose usage is the store's content. */
class ImageGarbageCollectorTest {

  private static final long CAPACITY = 1_000_000;
  private static final OverlayMarks NO_MARKS =
      new OverlayMarks() {
        @Override
        public void whiteout(Path path) {}

        @Override
        public void opaque(Path dir) {}

        @Override
        public void device(Path path, boolean block, int major, int minor, int mode) {}
      };

  @TempDir Path dir;
  private ImageStore store;
  private DirUsageSource fs;
  private final Set<String> inUse = new HashSet<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

  @BeforeEach
  void setUp() throws IOException {
    store = new ImageStore(dir.resolve("content"), NO_MARKS);
    fs = new DirUsageSource(dir.resolve("content"), CAPACITY, 10_000);
  }

  private ImageGarbageCollector gc(ImageGcPolicy policy) {
    return new ImageGarbageCollector(
        store, () -> Set.copyOf(inUse), fs, dir.resolve("content"), policy, clock);
  }

  private List<String> tags() {
    return store.list().stream().map(i -> i.references().get(0)).sorted().toList();
  }

  @Test
  void belowTheHighThresholdNothingIsDeleted() throws IOException {
    TestImages.add(store, "a", TestImages.layer("a", 100_000));
    ImageGarbageCollector gc = gc(ImageGcPolicy.DEFAULTS);
    gc.garbageCollect();
    clock.advance(Duration.ofHours(1));
    fs.otherUsed = 600_000; // about 80% used, under 85%

    ImageGarbageCollector.Result result = gc.garbageCollect();

    assertThat(fs.usagePercent()).isLessThan(85);
    assertThat(result.removed()).isEmpty();
    assertThat(tags()).containsExactly("example.test/a:1");
  }

  @Test
  void aboveTheHighThresholdDeletesLeastRecentlyUsedUnusedImagesDownToTheLowThreshold()
      throws IOException {
    ImageRecord a = TestImages.add(store, "a", TestImages.layer("a", 100_000));
    ImageRecord b = TestImages.add(store, "b", TestImages.layer("b", 100_000));
    ImageRecord c = TestImages.add(store, "c", TestImages.layer("c", 50_000));
    ImageGarbageCollector gc = gc(ImageGcPolicy.DEFAULTS);
    inUse.addAll(Set.of(a.configDigest(), b.configDigest(), c.configDigest()));
    gc.garbageCollect();
    clock.advance(Duration.ofMinutes(1));
    inUse.remove(b.configDigest()); // b's container went away first: b is least recently used
    gc.garbageCollect();
    clock.advance(Duration.ofMinutes(5));
    inUse.remove(c.configDigest());
    fs.otherUsed = 370_000;
    assertThat(fs.usagePercent()).isGreaterThanOrEqualTo(85);

    ImageGarbageCollector.Result result = gc.garbageCollect();

    assertThat(result.removed()).containsExactly(b.imageId());
    assertThat(result.insufficient()).isFalse();
    assertThat(tags()).containsExactly("example.test/a:1", "example.test/c:1");
    assertThat(fs.usagePercent()).isLessThan(80);
    // b's content is gone from the content-addressed store, a's (in use) and c's are there.
    assertThat(store.blobs().contains(b.manifestDigest())).isFalse();
    assertThat(store.blobs().contains(b.configDigest())).isFalse();
    assertThat(store.blobs().contains(b.diffIds().get(0))).isFalse();
    assertThat(store.layerDir(b.diffIds().get(0))).doesNotExist();
    assertThat(store.layerDirsTopFirst(c)).allMatch(Files::isDirectory);

    // More pressure than c's content can relieve: c goes, the image in use never does, and the
    // shortfall is reported.
    fs.otherUsed = 700_000;
    ImageGarbageCollector.Result more = gc.garbageCollect();
    assertThat(more.removed()).containsExactly(c.imageId());
    assertThat(more.insufficient()).isTrue();
    assertThat(tags()).containsExactly("example.test/a:1");
    assertThat(store.layerDirsTopFirst(a)).allMatch(Files::isDirectory);
  }

  @Test
  void roundsThatFindTooLittleReportFreeDiskSpaceFailedAndRepeatedOnesImageGcFailed()
      throws IOException {
    ImageRecord used = TestImages.add(store, "a", TestImages.layer("a", 100_000));
    inUse.add(used.configDigest());
    List<String> events = new java.util.ArrayList<>();
    io.fabric8.kubernetes.api.model.ObjectReference node =
        new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
            .withKind("Node")
            .withName("n1")
            .build();
    ImageGarbageCollector gc =
        new ImageGarbageCollector(
            store,
            () -> Set.copyOf(inUse),
            fs,
            dir.resolve("content"),
            ImageGcPolicy.DEFAULTS,
            clock,
            (about, type, reason, message) ->
                events.add(about.getName() + " " + type + " " + reason + ": " + message),
            node);
    fs.otherUsed = 800_000; // over 85% with nothing eligible: the only image is in use

    String first = gc.collectAndReport();

    assertThat(first)
        .matches(
            "Failed to garbage collect required amount of images\\. Attempted to free \\d+"
                + " bytes, but only found 0 bytes eligible to free\\.");
    // Once: only FreeDiskSpaceFailed (kubelet waits for a second failure in a row).
    assertThat(events).containsExactly("n1 Warning FreeDiskSpaceFailed: " + first);

    clock.advance(ImageGarbageCollector.PERIOD);
    String second = gc.collectAndReport();

    assertThat(events)
        .containsExactly(
            "n1 Warning FreeDiskSpaceFailed: " + first,
            "n1 Warning FreeDiskSpaceFailed: " + second,
            "n1 Warning ImageGCFailed: " + second);

    // A round that succeeds resets the count: the next single failure is not ImageGCFailed.
    events.clear();
    fs.otherUsed = 0;
    assertThat(gc.collectAndReport()).isNull();
    fs.otherUsed = 800_000;
    gc.collectAndReport();
    assertThat(events).hasSize(1).allMatch(e -> e.startsWith("n1 Warning FreeDiskSpaceFailed: "));
  }

  @Test
  void imagesYoungerThanTheMinimumAgeAreKept() throws IOException {
    ImageRecord old = TestImages.add(store, "old", TestImages.layer("old", 100_000));
    ImageGarbageCollector gc = gc(ImageGcPolicy.DEFAULTS);
    gc.garbageCollect();
    clock.advance(Duration.ofMinutes(1));
    ImageRecord young = TestImages.add(store, "young", TestImages.layer("young", 100_000));
    fs.otherUsed = 600_000;

    // old was first seen 1m ago, young just now: the 2m minimum age protects both.
    ImageGarbageCollector.Result first = gc.garbageCollect();
    assertThat(first.removed()).isEmpty();
    assertThat(first.insufficient()).isTrue();

    clock.advance(Duration.ofSeconds(90));
    ImageGarbageCollector.Result second = gc.garbageCollect();
    assertThat(second.removed()).containsExactly(old.imageId());
    assertThat(tags()).containsExactly("example.test/young:1");
    assertThat(young.imageId()).isNotEqualTo(old.imageId());
  }

  @Test
  void aLayerSharedWithAnotherImageStaysUntilNoImageNamesIt() throws IOException {
    byte[] base = TestImages.layer("base", 50_000);
    ImageRecord x = TestImages.add(store, "x", base, TestImages.layer("x", 10_000));
    ImageRecord y = TestImages.add(store, "y", base, TestImages.layer("y", 10_000));
    ImageGarbageCollector gc = gc(new ImageGcPolicy(85, 80, Duration.ZERO));
    inUse.add(y.configDigest());

    ImageGarbageCollector.Result result = gc.deleteUnusedImages();

    assertThat(result.removed()).containsExactly(x.imageId());
    String shared = x.diffIds().get(0);
    assertThat(store.layerDir(shared)).isDirectory();
    assertThat(store.blobs().contains(shared)).isTrue();
    assertThat(store.layerDir(x.diffIds().get(1))).doesNotExist();
    assertThat(store.layerDirsTopFirst(y)).hasSize(2);
    // Freed bytes count only what was deleted: x's own layer (blob + unpacked file) and metadata.
    assertThat(result.bytesFreed()).isBetween(20_000L, 30_000L);

    inUse.clear();
    gc.deleteUnusedImages();
    assertThat(store.list()).isEmpty();
    assertThat(store.layerDir(shared)).doesNotExist();
    assertThat(store.blobs().contains(shared)).isFalse();
  }

  @Test
  void unusedImagesDeletedForReclaimWhateverTheThresholds() throws IOException {
    ImageRecord used = TestImages.add(store, "used", TestImages.layer("used", 1_000));
    TestImages.add(store, "spare", TestImages.layer("spare", 1_000));
    inUse.add(used.configDigest());
    ImageGarbageCollector gc = gc(ImageGcPolicy.DEFAULTS);
    gc.garbageCollect(); // far below the threshold: nothing
    assertThat(store.list()).hasSize(2);
    clock.advance(Duration.ofMinutes(3));

    ImageGarbageCollector.Result result = gc.deleteUnusedImages();

    assertThat(result.removed()).hasSize(1);
    assertThat(tags()).containsExactly("example.test/used:1");
  }

  @Test
  void aHighThresholdOf100DisablesGc() throws IOException {
    TestImages.add(store, "a", TestImages.layer("a", 100_000));
    ImageGarbageCollector gc = gc(new ImageGcPolicy(100, 80, Duration.ZERO));
    fs.otherUsed = 800_000;
    assertThat(gc.garbageCollect().removed()).isEmpty();
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void whenUsageCannotBeDeterminedNothingIsDeleted() throws IOException {
    TestImages.add(store, "a", TestImages.layer("a", 100_000));
    fs.otherUsed = 900_000;
    ImageGarbageCollector failingInUse =
        new ImageGarbageCollector(
            store,
            () -> {
              throw new IOException("runtime unavailable");
            },
            fs,
            dir.resolve("content"),
            new ImageGcPolicy(85, 80, Duration.ZERO),
            clock);
    assertThatThrownBy(failingInUse::garbageCollect).hasMessageContaining("runtime unavailable");
    assertThatThrownBy(failingInUse::deleteUnusedImages)
        .hasMessageContaining("runtime unavailable");
    fs.broken = true;
    assertThatThrownBy(gc(new ImageGcPolicy(85, 80, Duration.ZERO))::garbageCollect)
        .isInstanceOf(IOException.class);
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void policyRejectsThresholdsThatDoNotFitTogether() {
    assertThatThrownBy(() -> new ImageGcPolicy(101, 80, Duration.ZERO))
        .hasMessageContaining("--image-gc-high-threshold must be between 0 and 100");
    assertThatThrownBy(() -> new ImageGcPolicy(85, -1, Duration.ZERO))
        .hasMessageContaining("--image-gc-low-threshold must be between 0 and 100");
    assertThatThrownBy(() -> new ImageGcPolicy(80, 80, Duration.ZERO))
        .hasMessage(
            "--image-gc-low-threshold (80) must be less than --image-gc-high-threshold (80)");
    assertThatThrownBy(() -> new ImageGcPolicy(85, 80, Duration.ofSeconds(-1)))
        .hasMessageContaining("--image-minimum-gc-age");
  }
}
