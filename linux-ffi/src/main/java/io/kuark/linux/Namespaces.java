package io.kuark.linux;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Network namespaces pinned by bind mounts (the {@code ip netns} layout) and running code inside
 * them.
 *
 * <p>Namespace switches happen only on dedicated platform threads owned by the implementation,
 * never on the caller's thread, a virtual thread or an event loop. A thread that cannot switch back
 * to the host namespace is retired and never runs another task.
 */
public interface Namespaces {

  /**
   * Creates a new network namespace and pins it at {@code path} (creating the file and its parent
   * directories). Fails with {@link LinuxException} (EEXIST) if something is already mounted there.
   */
  void createNetns(Path path);

  /**
   * Unmounts (detached) and removes the pin at {@code path}. Idempotent: a missing path is fine.
   */
  void deleteNetns(Path path);

  /** True if {@code path} is a pinned network namespace. */
  boolean isNetns(Path path);

  /**
   * Runs {@code action} on a dedicated platform thread switched into the network namespace pinned
   * at {@code path} and returns its result; the thread switches back afterwards. Exceptions thrown
   * by the action propagate unchanged. Nested calls are allowed.
   */
  <T> T runInNetns(Path path, Callable<T> action) throws Exception;
}
