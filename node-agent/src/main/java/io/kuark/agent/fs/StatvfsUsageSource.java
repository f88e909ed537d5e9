package io.kuark.agent.fs;

import io.kuark.linux.FsStat;
import io.kuark.linux.Linux;
import io.kuark.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link FsUsageSource} on {@code statvfs(3)} through linux-ffi (the JDK has no inode counts). */
public final class StatvfsUsageSource implements FsUsageSource {

  private final Linux linux;

  public StatvfsUsageSource(Linux linux) {
    this.linux = linux;
  }

  @Override
  public FsUsage usage(Path path) throws IOException {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IOException("no existing directory above " + path);
    }
    try {
      FsStat stat = linux.statvfs(existing);
      return new FsUsage(
          stat.capacityBytes(), stat.availableBytes(), stat.inodes(), stat.inodesFree());
    } catch (LinuxException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
