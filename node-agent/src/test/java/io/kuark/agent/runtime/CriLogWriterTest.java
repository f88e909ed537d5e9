package io.kuark.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Log rotation at containerLogMaxSize, keeping containerLogMaxFiles files. */
class CriLogWriterTest {

  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-logrotate");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static List<String> contents(List<Path> files) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        lines.add(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return lines;
  }

  @Test
  void rotatesBeforeTheMaximumSizeAndKeepsTheNewestFiles() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    Path log = dir.resolve("0.log");
    // Each record is 30 + 1 + 4 + 1 = 36 bytes ("<time> stdout F line-NN\n" less a few):
    // three fit into 120 bytes, the fourth starts a new file.
    try (CriLogWriter writer = new CriLogWriter(log, clock, new CriLogWriter.Rotation(120, 3))) {
      for (int i = 10; i < 30; i++) {
        byte[] line = ("line-" + i).getBytes(StandardCharsets.UTF_8);
        writer.write("stdout", line, line.length, false);
      }
      List<Path> rotated = writer.rotatedFiles();
      assertThat(rotated).hasSize(2);
      assertThat(rotated)
          .allMatch(p -> p.getFileName().toString().startsWith("0.log.20261127-100000"));
      assertThat(Files.size(log)).isLessThanOrEqualTo(120);
      for (Path p : rotated) {
        assertThat(Files.size(p)).isLessThanOrEqualTo(120);
      }
      List<Path> all = new ArrayList<>(rotated);
      all.add(log);
      List<String> kept = contents(all);
      // The kept files hold the newest lines, in order, without a gap.
      assertThat(kept.get(kept.size() - 1)).isEqualTo("line-29");
      for (int i = 1; i < kept.size(); i++) {
        int previous = Integer.parseInt(kept.get(i - 1).substring(5));
        assertThat(kept.get(i)).isEqualTo("line-" + (previous + 1));
      }
      assertThat(kept.size()).isBetween(5, 9);
    }
  }

  @Test
  void rotatedFilesAreOrderedByTheirNamesNotByModificationTime() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    Path log = dir.resolve("2.log");
    // One record per file: twelve rotations in the same second, suffixes "", -1, …, -11.
    try (CriLogWriter writer = new CriLogWriter(log, clock, new CriLogWriter.Rotation(40, 20))) {
      for (int i = 10; i < 23; i++) {
        byte[] line = ("line-" + i).getBytes(StandardCharsets.UTF_8);
        writer.write("stdout", line, line.length, false);
      }
      List<Path> rotated = writer.rotatedFiles();
      assertThat(rotated).hasSize(12);
      // Modification times that say the opposite (as ties within a millisecond may).
      for (int i = 0; i < rotated.size(); i++) {
        Files.setLastModifiedTime(rotated.get(i), FileTime.fromMillis(1_000_000L - i * 1000L));
      }
      List<Path> again = writer.rotatedFiles();
      assertThat(again).isEqualTo(rotated);
      assertThat(contents(again))
          .containsExactly(
              "line-10", "line-11", "line-12", "line-13", "line-14", "line-15", "line-16",
              "line-17", "line-18", "line-19", "line-20", "line-21");
    }
  }

  @Test
  void withoutLimitsNothingRotates() throws Exception {
    Path log = dir.resolve("1.log");
    try (CriLogWriter writer = new CriLogWriter(log, Clock.systemUTC())) {
      byte[] line = new byte[1000];
      for (int i = 0; i < 100; i++) {
        writer.write("stderr", line, line.length, false);
      }
      assertThat(writer.rotatedFiles()).isEmpty();
    }
  }
}
