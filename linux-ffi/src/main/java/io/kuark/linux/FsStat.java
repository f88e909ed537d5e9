package io.kuark.linux;

/**
 * What {@code statvfs(3)} reports for the file system holding a path, in bytes and inodes.
 *
 * @param capacityBytes size of the file system
 * @param freeBytes free space, including blocks reserved for root
 * @param availableBytes free space an unprivileged user may use (what {@code df} shows as Avail)
 * @param inodes inodes of the file system (0 when it does not count them, e.g. btrfs)
 * @param inodesFree free inodes
 */
public record FsStat(
    long capacityBytes, long freeBytes, long availableBytes, long inodes, long inodesFree) {}
