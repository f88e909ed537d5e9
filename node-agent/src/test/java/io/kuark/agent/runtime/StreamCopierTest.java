package io.kuark.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamCopierTest {

  private Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T16:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-copier-test");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  /** Returns each chunk from its own read, as a terminal delivers what was typed or printed. */
  private static InputStream reads(String... chunks) {
    Deque<byte[]> pending = new ArrayDeque<>();
    for (String chunk : chunks) {
      pending.add(chunk.getBytes(StandardCharsets.UTF_8));
    }
    return new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] buffer, int off, int len) {
        byte[] next = pending.poll();
        if (next == null) {
          return -1;
        }
        System.arraycopy(next, 0, buffer, off, next.length);
        return next.length;
      }
    };
  }

  private List<String> copy(boolean flushPartialLines, String... chunks) throws Exception {
    Path log = dir.resolve(flushPartialLines + ".log");
    try (CriLogWriter writer = new CriLogWriter(log, clock)) {
      new StreamCopier(() -> null, "stdout", writer, flushPartialLines).copy(reads(chunks));
    }
    // Split on line feeds only: a terminal's lines end in "\r\n" and the records keep the "\r".
    return List.of(Files.readString(log).split("\n"));
  }

  @Test
  void aTerminalsPromptAndEchoAreLoggedAsPartialRecordsAtOnce() throws Exception {
    assertThat(copy(true, "/ # ", "l", "s\r\nbin\r\n/ # "))
        .containsExactly(
            "2026-11-27T16:00:00.000000000Z stdout P / # ",
            "2026-11-27T16:00:00.000000000Z stdout P l",
            "2026-11-27T16:00:00.000000000Z stdout F s\r",
            "2026-11-27T16:00:00.000000000Z stdout F bin\r",
            "2026-11-27T16:00:00.000000000Z stdout P / # ");
  }

  @Test
  void withoutATerminalLinesAreLoggedWhole() throws Exception {
    assertThat(copy(false, "/ # ", "l", "s\nbin\n", "tail"))
        .containsExactly(
            "2026-11-27T16:00:00.000000000Z stdout F / # ls",
            "2026-11-27T16:00:00.000000000Z stdout F bin",
            "2026-11-27T16:00:00.000000000Z stdout F tail");
  }
}
