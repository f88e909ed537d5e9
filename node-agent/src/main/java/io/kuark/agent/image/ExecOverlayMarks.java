package io.kuark.agent.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link OverlayMarks} through coreutils {@code mknod} and attr's {@code setfattr}: whiteouts and
 * opaque directories are rare in layers, and the JDK has neither mknod nor trusted xattrs.
 */
public final class ExecOverlayMarks implements OverlayMarks {

  @Override
  public void whiteout(Path path) throws IOException {
    run(List.of("mknod", path.toString(), "c", "0", "0"));
  }

  @Override
  public void opaque(Path dir) throws IOException {
    run(List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", dir.toString()));
  }

  @Override
  public void device(Path path, boolean block, int major, int minor, int mode) throws IOException {
    run(
        List.of(
            "mknod",
            "-m",
            Integer.toOctalString(mode & 07777),
            path.toString(),
            block ? "b" : "c",
            Integer.toString(major),
            Integer.toString(minor)));
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      int rc = process.waitFor();
      if (rc != 0) {
        throw new IOException(String.join(" ", command) + " failed (" + rc + "): " + output.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running " + command.get(0), e);
    }
  }
}
