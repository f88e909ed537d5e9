package io.kuark.agent.fs;

/**
 * Usage of one file system (what {@code statvfs} reports).
 *
 * @param capacityBytes its size
 * @param availableBytes free space usable by unprivileged writers
 * @param inodes inodes in total (0 when the file system does not count them)
 * @param inodesFree free inodes
 */
public record FsUsage(long capacityBytes, long availableBytes, long inodes, long inodesFree) {

  /** Bytes in use: capacity less available (reserved blocks count as used, as df shows). */
  public long usedBytes() {
    return Math.max(0, capacityBytes - availableBytes);
  }

  /** Inodes in use. */
  public long inodesUsed() {
    return Math.max(0, inodes - inodesFree);
  }
}
