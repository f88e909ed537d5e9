package io.kuark.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuark.agent.runtime.CriLogWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code kubectl logs -f} keeps following a container log across rotations. */
class CriLogFollowRotationTest {

  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-follow-rotation");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void followReadsOnIntoTheNewFileAfterRotation() throws Exception {
    Path log = dir.resolve("0.log");
    StringBuffer out = new StringBuffer();
    try (CriLogWriter writer =
        new CriLogWriter(log, Clock.systemUTC(), new CriLogWriter.Rotation(150, 100))) {
      byte[] first = "line-0".getBytes(StandardCharsets.UTF_8);
      writer.write("stdout", first, first.length, false);
      java.util.concurrent.atomic.AtomicBoolean writing =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      LogOptions options = LogOptions.parse(Map.of("follow", List.of("true")), Instant.now());
      CriLogStreamer streamer =
          new CriLogStreamer(
              log,
              options,
              (stream, bytes) -> out.append(new String(bytes, StandardCharsets.UTF_8)),
              writing::get);
      Thread follower =
          new Thread(
              () -> {
                try {
                  streamer.run();
                } catch (Exception e) {
                  out.append("FAILED ").append(e);
                }
              });
      follower.start();
      for (int i = 1; i < 12; i++) {
        String expected = "line-" + (i - 1) + "\n";
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().endsWith(expected));
        byte[] line = ("line-" + i).getBytes(StandardCharsets.UTF_8);
        writer.write("stdout", line, line.length, false);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().endsWith("line-11\n"));
      writing.set(false);
      follower.join(10_000);
      assertThat(writer.rotatedFiles()).hasSizeGreaterThan(2);
    }
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      expected.append("line-").append(i).append('\n');
    }
    assertThat(out.toString()).isEqualTo(expected.toString());
  }
}
