package io.kuark.agent.image.gc;

import io.kuark.agent.fs.FsUsage;
import io.kuark.agent.fs.FsUsageSource;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A fake file system of {@code capacity} bytes whose only content is the tree under {@code root}:
 * used bytes are the sizes of its regular files plus {@code otherUsed} (what the test says the rest
 * of the node writes), used inodes its entries.
 */
final class DirUsageSource implements FsUsageSource {

  private final Path root;
  private final long capacity;
  private final long inodes;
  volatile long otherUsed;
  volatile boolean broken;

  DirUsageSource(Path root, long capacity, long inodes) {
    this.root = root;
    this.capacity = capacity;
    this.inodes = inodes;
  }

  @Override
  public FsUsage usage(Path path) throws IOException {
    if (broken) {
      throw new IOException("cannot measure " + path);
    }
    long[] used = {0, 0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            used[1]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            used[1]++;
            if (attrs.isRegularFile()) {
              used[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }
        });
    long available = Math.max(0, capacity - used[0] - otherUsed);
    return new FsUsage(capacity, available, inodes, Math.max(0, inodes - used[1]));
  }

  /** Percent in use now, as the collector computes it. */
  long usagePercent() throws IOException {
    return 100 - usage(root).availableBytes() * 100 / capacity;
  }
}
