package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** statvfs on a tmpfs of known size and inode count that only this test writes to. */
class StatvfsIT {
  private final Linux linux = Linux.get();
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-statvfs-it");
    linux.mounts().mount("tmpfs", dir, "tmpfs", 0, "size=1m,nr_inodes=64");
  }

  @AfterEach
  void tearDown() throws Exception {
    linux.mounts().unmount(dir, true);
    Files.deleteIfExists(dir);
  }

  @Test
  void reportsSizeAndInodesOfTheFileSystem() throws Exception {
    FsStat before = linux.statvfs(dir);
    assertThat(before.capacityBytes()).isEqualTo(1L << 20);
    assertThat(before.inodes()).isEqualTo(64);
    assertThat(before.availableBytes()).isEqualTo(Files.getFileStore(dir).getUsableSpace());

    for (int i = 0; i < 10; i++) {
      Files.write(dir.resolve("f" + i), new byte[8192]);
    }
    FsStat after = linux.statvfs(dir);
    assertThat(after.inodesFree()).isEqualTo(before.inodesFree() - 10);
    assertThat(after.availableBytes()).isEqualTo(before.availableBytes() - 10 * 8192);
  }

  @Test
  void missingPathIsAnErrnoError() {
    assertThatThrownBy(() -> linux.statvfs(dir.resolve("missing")))
        .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errno()).isEqualTo(2));
  }
}
