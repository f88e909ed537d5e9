package io.kuark.agent.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Measures the file system holding a path. The seam lets tests give image GC and eviction a small
 * fake file system whose usage they control.
 */
public interface FsUsageSource {

  /**
   * Usage of the file system that holds {@code path} (or its nearest existing ancestor).
   *
   * @throws IOException when it cannot be measured now
   */
  FsUsage usage(Path path) throws IOException;
}
