package io.kuark.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {

  private static AtomicWriter.VolumeFile file(String content, int mode) {
    return new AtomicWriter.VolumeFile(content.getBytes(StandardCharsets.UTF_8), mode);
  }

  private static String read(Path p) throws Exception {
    return Files.readString(p);
  }

  private static long timestampedDirs(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("..") && Files.isDirectory(p))
          .filter(p -> !Files.isSymbolicLink(p))
          .count();
    }
  }

  @Test
  void writesUpstreamsLayoutWithRelativeLinksAndModes(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("vol");
    assertThat(
            AtomicWriter.write(
                vol, Map.of("a.conf", file("one", 0644), "sub/b", file("two", 0400))))
        .isTrue();

    assertThat(Files.isSymbolicLink(vol.resolve("..data"))).isTrue();
    assertThat(Files.readSymbolicLink(vol.resolve("..data")).isAbsolute()).isFalse();
    assertThat(Files.readSymbolicLink(vol.resolve("a.conf"))).isEqualTo(Path.of("..data/a.conf"));
    assertThat(Files.readSymbolicLink(vol.resolve("sub"))).isEqualTo(Path.of("..data/sub"));
    assertThat(read(vol.resolve("a.conf"))).isEqualTo("one");
    assertThat(read(vol.resolve("sub/b"))).isEqualTo("two");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vol.resolve("sub/b"))))
        .isEqualTo("r--------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vol.resolve("a.conf"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void sameContentWritesNothingAndChangesSwapTheWholeSet(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("vol");
    AtomicWriter.write(vol, Map.of("a", file("1", 0644), "b", file("2", 0644)));
    Path first = vol.resolve(Files.readSymbolicLink(vol.resolve("..data")));

    assertThat(AtomicWriter.write(vol, Map.of("a", file("1", 0644), "b", file("2", 0644))))
        .isFalse();
    assertThat(vol.resolve(Files.readSymbolicLink(vol.resolve("..data")))).isEqualTo(first);

    // A mode change alone is a change too.
    assertThat(AtomicWriter.write(vol, Map.of("a", file("1", 0600), "b", file("2", 0644))))
        .isTrue();
    // b removed from the source, c added, a changed.
    assertThat(AtomicWriter.write(vol, Map.of("a", file("3", 0644), "c", file("4", 0644))))
        .isTrue();

    assertThat(read(vol.resolve("a"))).isEqualTo("3");
    assertThat(read(vol.resolve("c"))).isEqualTo("4");
    assertThat(vol.resolve("b")).doesNotExist();
    assertThat(Files.exists(vol.resolve("b"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(first).doesNotExist();
    assertThat(timestampedDirs(vol)).isEqualTo(1);
    assertThat(vol.resolve("..data_tmp")).doesNotExist();
  }

  @Test
  void replacesFilesAnOlderAgentWroteInPlace(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("vol");
    Files.createDirectories(vol);
    Files.writeString(vol.resolve("a"), "old");
    Files.writeString(vol.resolve("gone"), "old");

    AtomicWriter.write(vol, Map.of("a", file("new", 0644)));

    assertThat(Files.isSymbolicLink(vol.resolve("a"))).isTrue();
    assertThat(read(vol.resolve("a"))).isEqualTo("new");
    assertThat(vol.resolve("gone")).doesNotExist();
  }

  @Test
  void refusesPathsThatLeaveTheVolumeAndWritesNothing(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("vol");
    AtomicWriter.write(vol, Map.of("a", file("1", 0644)));
    for (String bad : new String[] {"../escape", "/etc/passwd", "", "x/../../y", "..data"}) {
      assertThatThrownBy(() -> AtomicWriter.write(vol, Map.of(bad, file("x", 0644))))
          .isInstanceOf(PodVolumes.VolumeException.class);
    }
    assertThat(read(vol.resolve("a"))).isEqualTo("1");
    assertThat(dir.resolve("escape")).doesNotExist();
  }

  /**
   * A copy of {@code vol} (links as links): a volume this process never wrote, as after restart.
   */
  private static Path copyOf(Path vol, Path to) throws Exception {
    new ProcessBuilder("cp", "-a", vol.toString(), to.toString()).inheritIO().start().waitFor();
    return to;
  }

  @Test
  void unchangedPayloadsAreRecognisedByDigestWithoutRereadingFiles(@TempDir Path dir)
      throws Exception {
    Path vol = dir.resolve("vol");
    AtomicWriter.write(vol, Map.of("a", file("1", 0644)));
    // Edited behind the writer's back: the digest of what it wrote still says "unchanged",
    // which shows that it did not read the file again.
    Files.writeString(vol.resolve("..data/a"), "edited");

    assertThat(AtomicWriter.write(vol, Map.of("a", file("1", 0644)))).isFalse();
    assertThat(AtomicWriter.write(vol, Map.of("a", file("2", 0644)))).isTrue();
    assertThat(read(vol.resolve("a"))).isEqualTo("2");
  }

  @Test
  void aVolumeWrittenBeforeARestartIsComparedOnceFromDisk(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("vol");
    AtomicWriter.write(vol, Map.of("a", file("1", 0644)));
    Path same = copyOf(vol, dir.resolve("same"));
    Path edited = copyOf(vol, dir.resolve("edited"));
    Files.writeString(edited.resolve("..data/a"), "edited");

    assertThat(AtomicWriter.write(same, Map.of("a", file("1", 0644)))).isFalse();
    assertThat(AtomicWriter.write(edited, Map.of("a", file("1", 0644)))).isTrue();
    assertThat(read(edited.resolve("a"))).isEqualTo("1");
  }
}
