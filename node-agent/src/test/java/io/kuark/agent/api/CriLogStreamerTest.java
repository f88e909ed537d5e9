package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CriLogStreamerTest {

  private Path dir;
  private Path file;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-logs-test");
    file = dir.resolve("0.log");
    Files.writeString(
        file,
        "2026-11-27T07:00:00.100000000Z stdout F one\n"
            + "2026-11-27T07:00:01.000000000Z stderr F two\n"
            + "2026-11-27T07:00:02.123456789Z stdout P thr\n"
            + "2026-11-27T07:00:02.200000000Z stdout F ee\n"
            + "2026-11-27T07:00:03.000000000Z stdout F four\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  private String read(String query) throws Exception {
    return read(query, () -> false);
  }

  private String read(String query, CriLogStreamer.Liveness liveness) throws Exception {
    Map<String, List<String>> params = new java.util.HashMap<>();
    for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
      String[] kv = pair.split("=", 2);
      params.put(kv[0], List.of(kv.length > 1 ? kv[1] : ""));
    }
    LogOptions options = LogOptions.parse(params, Instant.parse("2026-11-27T07:00:05Z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CriLogStreamer(file, options, (stream, bytes) -> out.writeBytes(bytes), liveness).run();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void joinsPartialRecordsAndMergesStreams() throws Exception {
    assertThat(read("")).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void tailLinesKeepsTheLastRecords() throws Exception {
    assertThat(read("tailLines=2")).isEqualTo("ee\nfour\n");
    assertThat(read("tailLines=0")).isEmpty();
  }

  @Test
  void sinceTimeAndSinceSecondsFilterByRecordTime() throws Exception {
    assertThat(read("sinceTime=2026-11-27T07:00:01Z")).isEqualTo("two\nthree\nfour\n");
    assertThat(read("sinceSeconds=3")).isEqualTo("thr" + "ee\nfour\n");
  }

  @Test
  void timestampsUseRfc3339NanoWithoutTrailingZeros() throws Exception {
    assertThat(read("timestamps=true&tailLines=3"))
        .isEqualTo(
            "2026-11-27T07:00:02.123456789Z thr"
                + "2026-11-27T07:00:02.2Z ee\n"
                + "2026-11-27T07:00:03Z four\n");
  }

  @Test
  void limitBytesCutsTheOutput() throws Exception {
    assertThat(read("limitBytes=6")).isEqualTo("one\ntw");
  }

  @Test
  void badParametersAreRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read("tailLines=x"))
        .isInstanceOf(LogOptions.InvalidException.class)
        .hasMessageContaining("tailLines");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> read("sinceSeconds=1&sinceTime=2026-11-27T07:00:01Z"))
        .isInstanceOf(LogOptions.InvalidException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> read("limitBytes=0"))
        .isInstanceOf(LogOptions.InvalidException.class);
  }

  @Test
  void followReadsAppendedCompleteLinesUntilTheWriterStops() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    String out =
        read(
            "follow=true&tailLines=1",
            () -> {
              try {
                int n = polls.incrementAndGet();
                if (n == 1) {
                  // half a record first: it must not be emitted until its newline arrives
                  Files.writeString(
                      file, "2026-11-27T07:00:04Z stdout F fi", StandardOpenOption.APPEND);
                } else if (n == 2) {
                  Files.writeString(file, "ve\n", StandardOpenOption.APPEND);
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return polls.get() < 4;
            });
    assertThat(out).isEqualTo("four\nfive\n");
  }
}
