package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pod's state file is rewritten only when the record changed. */
class PodStateFileTest {

  @TempDir Path dir;

  private static PodState state() {
    PodState state = new PodState();
    state.uid = "u1";
    state.namespace = "ns";
    state.name = "web";
    state.slot("app/web").restartCount = 0;
    return state;
  }

  private static Object inode(Path file) throws Exception {
    return Files.getAttribute(file, "unix:ino");
  }

  @Test
  void anUnchangedRecordIsNotWrittenAgain() throws Exception {
    Path path = dir.resolve("pods/u1/state.json");
    PodStateFile file = new PodStateFile(path);
    PodState state = state();

    assertThat(file.save(state)).isTrue();
    Object first = inode(path);
    for (int i = 0; i < 5; i++) {
      assertThat(file.save(state)).isFalse();
    }

    assertThat(inode(path)).isEqualTo(first);
    assertThat(PodState.load(path).slots).containsKey("app/web");
  }

  @Test
  void aChangedRecordReplacesTheFile() throws Exception {
    Path path = dir.resolve("pods/u1/state.json");
    PodStateFile file = new PodStateFile(path);
    PodState state = state();
    file.save(state);

    state.slot("app/web").restartCount = 3;

    assertThat(file.save(state)).isTrue();
    assertThat(PodState.load(path).slot("app/web").restartCount).isEqualTo(3);
    assertThat(Files.exists(dir.resolve("pods/u1/state.json.tmp"))).isFalse();
  }

  @Test
  void theRecordAnEarlierAgentLeftIsNotRewrittenWhenUnchanged() throws Exception {
    Path path = dir.resolve("pods/u1/state.json");
    state().save(path);
    Object before = inode(path);

    PodStateFile file = new PodStateFile(path);

    assertThat(file.save(PodState.load(path))).isFalse();
    assertThat(inode(path)).isEqualTo(before);
  }
}
