package io.kuark.agent.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitRecordTest {

  private static final Instant MODIFIED = Instant.parse("2026-11-28T10:00:00.123Z");

  @TempDir Path dir;

  @Test
  void theFilesModificationTimeIsWhenTheContainerEnded() {
    assertThat(ExitRecord.parse("0\n", MODIFIED)).isEqualTo(new ExitRecord(0, MODIFIED, false));
    assertThat(ExitRecord.parse("137 oom\n", MODIFIED))
        .isEqualTo(new ExitRecord(137, MODIFIED, true));
  }

  @Test
  void aTimeWrittenByAShimOfAnEarlierAgentIsKept() {
    Instant written = Instant.ofEpochMilli(1_764_000_000_456L);
    assertThat(ExitRecord.parse("1 1764000000456\n", MODIFIED))
        .isEqualTo(new ExitRecord(1, written, false));
    assertThat(ExitRecord.parse("137 1764000000456 oom\n", MODIFIED))
        .isEqualTo(new ExitRecord(137, written, true));
  }

  @Test
  void aLineWithoutItsNewlineIsStillBeingWritten() {
    assertThat(ExitRecord.parse("", MODIFIED)).isNull();
    assertThat(ExitRecord.parse("13", MODIFIED)).isNull();
  }

  @Test
  void aCompleteLineThatIsNoExitRecordIsAnError() {
    assertThatThrownBy(() -> ExitRecord.parse("\n", MODIFIED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExitRecord.parse("x 12\n", MODIFIED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExitRecord.parse("1 killed\n", MODIFIED))
        .hasMessageContaining("killed");
  }

  @Test
  void readingWaitsForAShimThatHasCreatedTheFileButNotWrittenIt() throws Exception {
    Path exit = dir.resolve("exit");
    Files.writeString(exit, "");
    CompletableFuture<ExitRecord> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ExitRecord.read(exit);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Thread.sleep(20);
    Files.writeString(exit, "2\n");
    Files.setLastModifiedTime(exit, FileTime.from(MODIFIED));

    ExitRecord record = read.get(10, TimeUnit.SECONDS);
    assertThat(record.code()).isEqualTo(2);
  }

  @Test
  void aFileThatStaysIncompleteCannotBeRead() throws IOException {
    Path exit = dir.resolve("exit");
    Files.writeString(exit, "13");

    assertThatThrownBy(() -> ExitRecord.read(exit))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("incomplete");
  }

  @Test
  void readTakesTheFilesModificationTime() throws IOException {
    Path exit = dir.resolve("exit");
    Files.writeString(exit, "0\n");
    Files.setLastModifiedTime(exit, FileTime.from(MODIFIED));

    assertThat(ExitRecord.read(exit).finished()).isEqualTo(MODIFIED);
  }
}
