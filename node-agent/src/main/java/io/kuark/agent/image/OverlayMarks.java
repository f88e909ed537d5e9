package io.kuark.agent.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the special files a layer directory needs so overlayfs can stack it: whiteouts (a 0/0
 * character device hides a lower file), opaque directories (an xattr hides a lower directory's
 * content) and device nodes shipped in layers.
 */
public interface OverlayMarks {

  /** Creates an overlay whiteout at {@code path} (which must not exist). */
  void whiteout(Path path) throws IOException;

  /** Marks the existing directory {@code dir} opaque. */
  void opaque(Path dir) throws IOException;

  /**
   * Creates a device node.
   *
   * @param block true for a block device, false for a character device
   */
  void device(Path path, boolean block, int major, int minor, int mode) throws IOException;
}
