package io.kuark.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {

  @TempDir Path dir;

  /** Records the overlay marks instead of making device nodes and xattrs. */
  static final class RecordingMarks implements OverlayMarks {
    final List<String> calls = new ArrayList<>();

    @Override
    public void whiteout(Path path) {
      calls.add("whiteout " + path.getFileName());
    }

    @Override
    public void opaque(Path dir) {
      calls.add("opaque " + dir.getFileName());
    }

    @Override
    public void device(Path path, boolean block, int major, int minor, int mode) {
      calls.add("device " + path.getFileName() + " " + major + ":" + minor);
    }
  }

  private static byte[] tar(boolean gzip, TarArchiveEntry... entriesWithContent)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes)) {
      for (TarArchiveEntry entry : entriesWithContent) {
        tar.putArchiveEntry(entry);
        if (entry.getSize() > 0) {
          tar.write(("content of " + entry.getName()).getBytes(StandardCharsets.UTF_8));
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static TarArchiveEntry file(String name) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(("content of " + name).length());
    entry.setMode(0100644);
    return entry;
  }

  private static TarArchiveEntry directory(String name) {
    TarArchiveEntry entry = new TarArchiveEntry(name + "/");
    entry.setMode(040755);
    return entry;
  }

  @Test
  void turnsOciWhiteoutsIntoOverlayMarks() throws IOException {
    RecordingMarks marks = new RecordingMarks();
    byte[] layer =
        tar(
            true,
            directory("etc"),
            file("etc/keep"),
            file("etc/.wh.removed"),
            directory("var/cache"),
            file("var/cache/.wh..wh..opq"),
            file("var/cache/fresh"));
    new LayerUnpacker(marks).unpack(new ByteArrayInputStream(layer), dir);

    assertThat(marks.calls).containsExactly("whiteout removed", "opaque cache");
    assertThat(Files.readString(dir.resolve("etc/keep"))).isEqualTo("content of etc/keep");
    assertThat(dir.resolve("etc/.wh.removed")).doesNotExist();
    assertThat(dir.resolve("var/cache/.wh..wh..opq")).doesNotExist();
    assertThat(dir.resolve("var/cache/fresh")).exists();
  }

  @Test
  void returnsTheDiffIdOfTheUncompressedStream() throws IOException {
    byte[] plain = tar(false, file("a"));
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(plain);
    }
    byte[] gzipped = compressed.toByteArray();
    String fromPlain =
        new LayerUnpacker(new RecordingMarks())
            .unpack(new ByteArrayInputStream(plain), dir.resolve("p"));
    String fromGzip =
        new LayerUnpacker(new RecordingMarks())
            .unpack(new ByteArrayInputStream(gzipped), dir.resolve("g"));
    assertThat(fromPlain).isEqualTo(Digests.of(plain)).isEqualTo(fromGzip);
  }

  @Test
  void keepsSymlinksAndHardLinks() throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("bin/sh", TarArchiveEntry.LF_SYMLINK);
    link.setLinkName("busybox");
    TarArchiveEntry hard = new TarArchiveEntry("bin/ls", TarArchiveEntry.LF_LINK);
    hard.setLinkName("bin/busybox");
    new LayerUnpacker(new RecordingMarks())
        .unpack(
            new ByteArrayInputStream(tar(false, directory("bin"), file("bin/busybox"), link, hard)),
            dir);
    assertThat(Files.readSymbolicLink(dir.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    assertThat(Files.isSameFile(dir.resolve("bin/ls"), dir.resolve("bin/busybox"))).isTrue();
  }

  @Test
  void rejectsEntriesEscapingTheLayer() throws IOException {
    byte[] escaping = tar(false, file("../outside"));
    assertThatThrownBy(
            () ->
                new LayerUnpacker(new RecordingMarks())
                    .unpack(new ByteArrayInputStream(escaping), dir.resolve("x")))
        .isInstanceOf(LayerUnpacker.BadLayerException.class);
    TarArchiveEntry link = new TarArchiveEntry("evil", TarArchiveEntry.LF_SYMLINK);
    link.setLinkName("/etc");
    byte[] throughSymlink = tar(false, link, file("evil/passwd"));
    assertThatThrownBy(
            () ->
                new LayerUnpacker(new RecordingMarks())
                    .unpack(new ByteArrayInputStream(throughSymlink), dir.resolve("y")))
        .isInstanceOf(LayerUnpacker.BadLayerException.class);
    assertThat(dir.resolve("outside")).doesNotExist();
  }
}
