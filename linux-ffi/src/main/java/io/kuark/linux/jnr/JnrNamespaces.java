package io.kuark.linux.jnr;

import io.kuark.linux.Errno;
import io.kuark.linux.LinuxException;
import io.kuark.linux.Mounts;
import io.kuark.linux.Namespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * {@link Namespaces} over unshare(2)/setns(2). The host namespace is the one of the process's main
 * thread ({@code /proc/self/ns/net}) when this object is created; every pool task starts by
 * switching to it, so a thread created from inside a foreign namespace still starts clean.
 */
public final class JnrNamespaces implements Namespaces {
  private static final String THREAD_NETNS = "/proc/thread-self/ns/net";

  private final LibC libc = Native.libc();
  private final Mounts mounts;
  private final int hostNetnsFd;
  private final ExecutorService pool = NetnsThreads.newPool();

  public JnrNamespaces(Mounts mounts) {
    this.mounts = mounts;
    this.hostNetnsFd =
        Native.check(
            libc.open("/proc/self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC, 0),
            "open /proc/self/ns/net");
  }

  @Override
  public void createNetns(Path path) {
    Path target = path.toAbsolutePath();
    if (mounts.isMountPoint(target)) {
      throw new LinuxException(
          "create netns " + target, Errno.EEXIST, Native.strerror(Errno.EEXIST));
    }
    try {
      Files.createDirectories(target.getParent());
      Files.createFile(target);
    } catch (FileAlreadyExistsException e) {
      // An empty leftover file is fine: the bind mount goes on top of it.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A fresh thread that never returns to any pool: after unshare it lives in the new namespace.
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                Native.check(libc.unshare(LibC.CLONE_NEWNET), "unshare(CLONE_NEWNET)");
                mounts.mount(THREAD_NETNS, target, "none", Mounts.MS_BIND, null);
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "kuark-netns-create");
    thread.setDaemon(true);
    thread.start();
    try {
      await(done);
    } catch (RuntimeException | Error e) {
      deleteQuietly(target);
      throw e;
    } catch (Exception e) {
      deleteQuietly(target);
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void deleteNetns(Path path) {
    Path target = path.toAbsolutePath();
    mounts.unmount(target, true);
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean isNetns(Path path) {
    return MountInfo.fsTypeAt(path.toAbsolutePath()).map("nsfs"::equals).orElse(false);
  }

  @Override
  public <T> T runInNetns(Path path, Callable<T> action) throws Exception {
    String target = path.toAbsolutePath().toString();
    CompletableFuture<T> result = new CompletableFuture<>();
    pool.execute(
        () -> {
          if (libc.setns(hostNetnsFd, LibC.CLONE_NEWNET) != 0) {
            LinuxException e = Native.lastError("setns(host)");
            result.completeExceptionally(e);
            throw new NetnsThreads.Retired("cannot enter the host netns: " + e.getMessage());
          }
          try {
            enter(target);
            result.complete(action.call());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
          if (libc.setns(hostNetnsFd, LibC.CLONE_NEWNET) != 0) {
            throw new NetnsThreads.Retired(
                "cannot return to the host netns: " + Native.lastError("setns(host)").getMessage());
          }
        });
    return await(result);
  }

  private void enter(String target) {
    int fd = Native.check(libc.open(target, LibC.O_RDONLY | LibC.O_CLOEXEC, 0), "open " + target);
    try {
      Native.check(libc.setns(fd, LibC.CLONE_NEWNET), "setns " + target);
    } finally {
      libc.close(fd);
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  private void deleteQuietly(Path target) {
    try {
      deleteNetns(target);
    } catch (RuntimeException e) {
      // The original failure matters more than a failed cleanup.
    }
  }
}
