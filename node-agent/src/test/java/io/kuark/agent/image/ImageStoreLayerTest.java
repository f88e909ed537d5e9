package io.kuark.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageStoreLayerTest {
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("kuark-layer-test");
  }

  @AfterEach
  void tearDown() throws IOException {
    io.kuark.agent.fs.FileTrees.delete(dir);
  }

  /** An uncompressed layer of {@code files} small files (its diffId is its own digest). */
  private static byte[] layer(int files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (int i = 0; i < files; i++) {
        byte[] content = ("file " + i).getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry("data/f" + i);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void podsPullingOneImageAtOnceAllGetItsLayer() throws Exception {
    // Several pods of one Deployment pull the same image together: each unpacks the layer and
    // the later renames find the directory already there (ENOTEMPTY). All must succeed.
    ImageStore store =
        new ImageStore(dir.resolve("content"), new LayerUnpackerTest.RecordingMarks());
    byte[] bytes = layer(300);
    String digest = store.blobs().put(bytes);
    int pullers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(pullers);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < pullers; i++) {
        Callable<Path> pull =
            () -> {
              start.await();
              return store.ensureLayer(digest, digest);
            };
        results.add(pool.submit(pull));
      }
      start.countDown();
      for (Future<Path> result : results) {
        assertThat(result.get()).isEqualTo(store.layerDir(digest));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.layerDir(digest).resolve("data/f299")).hasContent("file 299");
    try (Stream<Path> left = Files.list(store.layerDir(digest).getParent())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no half-unpacked temp dirs")
          .noneMatch(name -> name.startsWith("unpack-"));
    }
  }
}
