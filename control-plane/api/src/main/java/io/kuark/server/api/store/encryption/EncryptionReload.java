package io.kuark.server.api.store.encryption;

import io.kuark.server.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Applies a changed EncryptionConfiguration file to a running server: reads and checks the file,
 * switches the storage to it (new writes use its first key at once) and rewrites every stored value
 * that is not under that key, so a rotation needs no restart (upstream needs a restart or {@code
 * --encryption-provider-config-automatic-reload}, then {@code kubectl replace} of every secret).
 * Triggered by the admin endpoint ({@code kuark secrets-encrypt rotate}) and, when enabled, by
 * {@link #watch} noticing the file changed. An invalid file changes nothing.
 */
public final class EncryptionReload implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EncryptionReload.class);

  private final EncryptingStorage storage;
  private final Path file;
  private ScheduledExecutorService poller;
  private byte[] lastDigest;

  public EncryptionReload(EncryptingStorage storage, Path file) {
    this.storage = storage;
    this.file = file;
    this.lastDigest = digestOrNull();
  }

  /**
   * Reads the file again, uses it, and rewrites what is not under its first key. Reloads of one
   * storage run one at a time (the endpoint and the file watch may both fire).
   *
   * @throws IllegalArgumentException for a file that is not a valid configuration (the running one
   *     stays)
   * @throws StorageException when the storage fails during the rewrite
   */
  public SecretsRewriter.Result reload() {
    synchronized (storage) {
      byte[] digest = digestOrNull();
      EncryptionConfig next = EncryptionConfig.read(file);
      storage.use(next);
      lastDigest = digest;
      SecretsRewriter.Result result = new SecretsRewriter(storage).run();
      LOG.infof(
          "encryption at rest: reloaded %s; %d values rewritten, %d unreadable",
          file, result.rewritten(), result.unreadable());
      return result;
    }
  }

  /**
   * Checks the file every {@code interval} and reloads when its content changed (as upstream's
   * automatic reload polls). Failures are logged and retried at the next change.
   */
  public synchronized void watch(Duration interval) {
    if (poller != null) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kuark-encryption-reload");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, interval.toMillis());
    poller.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One poll: reloads when the file's content differs from the last applied content. */
  void reloadIfChanged() {
    byte[] digest = digestOrNull();
    synchronized (storage) {
      if (digest == null || Arrays.equals(digest, lastDigest)) {
        return;
      }
      try {
        reload();
      } catch (IllegalArgumentException e) {
        // Do not try the same broken content again; the next edit is read.
        lastDigest = digest;
        LOG.errorf("encryption at rest: not reloading %s: %s", file, e.getMessage());
      } catch (RuntimeException e) {
        LOG.errorf(e, "encryption at rest: reloading %s failed", file);
      }
    }
  }

  private byte[] digestOrNull() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }
}
