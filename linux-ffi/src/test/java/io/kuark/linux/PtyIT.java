package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Window sizes of pseudo-terminals, set through the master we hold and through the slave's path (as
 * the agent does for a container's terminal another process holds). Sizes are read back with
 * coreutils' {@code stty}, an implementation independent of ours.
 */
class PtyIT {
  private final Linux linux = Linux.get();

  @Test
  void openedPtyHasTheRequestedSize() throws Exception {
    try (Pty pty = linux.openPty(100, 30)) {
      assertThat(sttySize(pty.slavePath())).isEqualTo("30 100");
    }
  }

  @Test
  void openedPtyIsRawSoBytesPassUnchanged() throws Exception {
    try (Pty pty = linux.openPty(80, 24)) {
      // stty prints a setting it finds off with a leading '-'.
      assertThat(stty(pty.slavePath(), "-a").split("\\s+"))
          .contains("-echo", "-icanon", "-isig", "-opost", "-icrnl");
    }
  }

  @Test
  void resizingThroughTheSlavePathChangesTheSizeOfThePair() throws Exception {
    try (Pty pty = linux.openPty(80, 24)) {
      linux.resizeTerminal(Path.of(pty.slavePath()), 132, 43);
      assertThat(sttySize(pty.slavePath())).isEqualTo("43 132");
      pty.resize(90, 20);
      assertThat(sttySize(pty.slavePath())).isEqualTo("20 90");
    }
  }

  @Test
  void aFileThatIsNoTerminalIsAnErrnoError() {
    assertThatThrownBy(() -> linux.resizeTerminal(Path.of("/dev/null"), 80, 24))
        .isInstanceOfSatisfying(
            LinuxException.class, e -> assertThat(e.errno()).isEqualTo(25)); // ENOTTY
  }

  @Test
  void aMissingTerminalIsAnErrnoError() {
    assertThatThrownBy(() -> linux.resizeTerminal(Path.of("/dev/pts/999999"), 80, 24))
        .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(2));
  }

  @Test
  void sizesOutsideTheKernelsRangeAreRejected() throws Exception {
    try (Pty pty = linux.openPty(80, 24)) {
      assertThatThrownBy(() -> linux.resizeTerminal(Path.of(pty.slavePath()), 0, 24))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> pty.resize(80, 70000)).isInstanceOf(IllegalArgumentException.class);
      assertThat(sttySize(pty.slavePath())).isEqualTo("24 80");
    }
  }

  private static String sttySize(String terminal) throws Exception {
    return stty(terminal, "size");
  }

  private static String stty(String terminal, String what) throws Exception {
    Process stty = new ProcessBuilder("stty", "-F", terminal, what).start();
    String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(stty.waitFor()).isZero();
    return out.trim();
  }
}
