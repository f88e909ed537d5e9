package io.kuark.server.storage.etcd;

import io.etcd.jetcd.common.exception.CompactedException;
import io.kuark.server.storage.StorageException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for jetcd calls and turns their failures into {@link StorageException}s. */
final class EtcdErrors {

  /** A request that takes longer than this is reported as Unavailable. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private EtcdErrors() {}

  /** Thrown (unchecked) when etcd says the requested revision is compacted. */
  static final class CompactedRevision extends RuntimeException {
    final long compactedRevision;

    CompactedRevision(long compactedRevision) {
      super(null, null, false, false);
      this.compactedRevision = compactedRevision;
    }
  }

  static <T> T await(CompletableFuture<T> future, String what) {
    return await(future, what, REQUEST_TIMEOUT);
  }

  static <T> T await(CompletableFuture<T> future, String what, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new StorageException.Unavailable("interrupted during etcd " + what, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StorageException.Unavailable("etcd " + what + " timed out", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), what);
    }
  }

  static RuntimeException translate(Throwable cause, String what) {
    if (cause instanceof CompactedException c) {
      return new CompactedRevision(c.getCompactedRevision());
    }
    String message = cause == null ? "" : String.valueOf(cause.getMessage());
    if (message.contains("required revision has been compacted")) {
      return new CompactedRevision(0);
    }
    if (message.contains("required revision is a future revision")) {
      return new IllegalArgumentException("etcd " + what + ": " + message, cause);
    }
    return new StorageException.Unavailable("etcd " + what + " failed: " + message, cause);
  }
}
