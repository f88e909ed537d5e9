package io.kuark.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MountsIT {
  private final Mounts mounts = Linux.get().mounts();
  private Path dir;
  private Path src;
  private Path dst;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-mounts-it");
    src = Files.createDirectories(dir.resolve("src"));
    dst = Files.createDirectories(dir.resolve("dst"));
    Files.writeString(src.resolve("f"), "hello");
  }

  @AfterEach
  void tearDown() throws Exception {
    mounts.unmount(dst, true);
    mounts.unmount(dst, true);
    Files.deleteIfExists(src.resolve("f"));
    Files.deleteIfExists(dst.resolve("f"));
    Files.deleteIfExists(src);
    Files.deleteIfExists(dst);
    Files.deleteIfExists(dir);
  }

  @Test
  void readOnlyBindMountShowsSourceAndRefusesWrites() throws Exception {
    mounts.bindMount(src, dst, true);
    assertThat(mounts.isMountPoint(dst)).isTrue();
    assertThat(Files.readString(dst.resolve("f"))).isEqualTo("hello");
    assertThatThrownBy(() -> Files.writeString(dst.resolve("g"), "x"))
        .hasMessageContaining("Read-only");
    mounts.unmount(dst, false);
    assertThat(mounts.isMountPoint(dst)).isFalse();
  }

  @Test
  void writableBindMountAndPropagationChanges() throws Exception {
    mounts.bindMount(src, dst, false);
    Files.writeString(dst.resolve("g"), "x");
    assertThat(Files.readString(src.resolve("g"))).isEqualTo("x");
    Files.delete(src.resolve("g"));
    mounts.makePrivate(dst, true);
    mounts.makeShared(dst, false);
    mounts.makeRslave(dst);
    String info = Files.readString(Path.of("/proc/self/mountinfo"));
    assertThat(info).contains(dst.toString());
  }

  @Test
  void unmountIsIdempotent() {
    mounts.unmount(dst, false);
    mounts.unmount(dir.resolve("missing"), true);
  }

  @Test
  void tmpfsMountAndTypedErrors() throws Exception {
    mounts.mount("tmpfs", dst, "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV, "size=1m");
    Files.writeString(dst.resolve("f"), "t");
    assertThat(mounts.isMountPoint(dst)).isTrue();
    mounts.unmount(dst, false);
    assertThatThrownBy(() -> mounts.mount("x", dir.resolve("missing"), "tmpfs", 0, null))
        .isInstanceOfSatisfying(
            LinuxException.class,
            e -> {
              assertThat(e.errno()).isEqualTo(Errno.ENOENT);
              assertThat(e.getMessage()).contains("No such file or directory");
            });
  }
}
