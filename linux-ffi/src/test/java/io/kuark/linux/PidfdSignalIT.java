package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signalling a process through a pidfd, guarded by its start time. */
class PidfdSignalIT {
  private static final int SIGKILL = 9;
  private final Linux linux = Linux.get();
  private Process child;

  @AfterEach
  void tearDown() throws Exception {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void signalsTheProcessThatStartedAtTheGivenTime() throws Exception {
    child = new ProcessBuilder("sleep", "600").start();
    int pid = (int) child.pid();
    long started = linux.processStartTime(pid);

    assertThat(linux.signalIfStartedAt(pid, started, SIGKILL)).isTrue();

    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(128 + SIGKILL);
  }

  @Test
  void leavesAProcessWithAnotherStartTimeAlone() throws Exception {
    child = new ProcessBuilder("sleep", "600").start();
    int pid = (int) child.pid();
    long started = linux.processStartTime(pid);

    // The same pid with another start time is what a reused pid looks like.
    assertThat(linux.signalIfStartedAt(pid, started - 1, SIGKILL)).isFalse();

    assertThat(child.isAlive()).isTrue();
  }

  @Test
  void reportsAProcessThatIsGone() throws Exception {
    child = new ProcessBuilder("true").start();
    child.waitFor(30, TimeUnit.SECONDS);
    int pid = (int) child.pid();

    assertThat(linux.signalIfStartedAt(pid, 1, SIGKILL)).isFalse();
  }
}
