package io.kuark.linux.jnr;

import io.kuark.linux.FsStat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code statvfs(3)} through libc. The struct on the 64-bit Linux ABIs Kuark runs on (x86_64,
 * aarch64) is eleven unsigned longs ({@code f_bsize, f_frsize, f_blocks, f_bfree, f_bavail,
 * f_files, f_ffree, f_favail, f_fsid, f_flag, f_namemax}) and six spare ints: 112 bytes.
 */
public final class JnrStatvfs {

  private static final int STRUCT_SIZE = 112;

  private JnrStatvfs() {}

  /** Statistics of the file system holding {@code path}. */
  public static FsStat stat(String path) {
    // Slack after the struct in case a libc pads it differently.
    byte[] buf = new byte[STRUCT_SIZE + 64];
    Native.check(Native.libc().statvfs(path, buf), "statvfs " + path);
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    long fragmentSize = b.getLong(8);
    long blocks = b.getLong(16);
    long blocksFree = b.getLong(24);
    long blocksAvailable = b.getLong(32);
    long files = b.getLong(40);
    long filesFree = b.getLong(48);
    // Block counts are in f_frsize units (f_bsize is only the preferred I/O size).
    return new FsStat(
        blocks * fragmentSize,
        blocksFree * fragmentSize,
        blocksAvailable * fragmentSize,
        files,
        filesFree);
  }
}
