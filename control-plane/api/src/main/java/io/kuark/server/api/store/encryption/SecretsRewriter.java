package io.kuark.server.api.store.encryption;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.StorageException;
import org.jboss.logging.Logger;

/**
 * Rewrites every stored value of the encrypted resources that is not written with the current first
 * key (plaintext from before encryption, or an older key after a rotation), as upstream's "rewrite
 * all secrets" step; each rewrite is a compare-and-swap, so a concurrent write (which encrypts with
 * the current key anyway) wins. The server runs it at start and after every reload of the
 * configuration ({@link EncryptionReload}).
 */
public final class SecretsRewriter {

  private static final Logger LOG = Logger.getLogger(SecretsRewriter.class);
  private static final int PAGE = 500;

  /**
   * @param rewritten values now written with the current key
   * @param unreadable values no listed key (nor identity) reads; they stay as they are
   */
  public record Result(int rewritten, int unreadable) {}

  private final EncryptingStorage storage;

  public SecretsRewriter(EncryptingStorage storage) {
    this.storage = storage;
  }

  /** Rewrites what needs it with the storage's current configuration. */
  public Result run() {
    EncryptionConfig config = storage.config();
    int rewritten = 0;
    int unreadable = 0;
    for (String prefix : config.prefixes()) {
      String token = null;
      do {
        ListResult page = storage.inner().list(prefix, PAGE, token, 0);
        for (KeyValue kv : page.items()) {
          switch (rewrite(kv)) {
            case REWRITTEN -> rewritten++;
            case UNREADABLE -> unreadable++;
            default -> {}
          }
        }
        token = page.continueToken();
      } while (token != null);
    }
    if (rewritten > 0) {
      LOG.infof("encryption at rest: rewrote %d stored values with the current key", rewritten);
    }
    return new Result(rewritten, unreadable);
  }

  private enum Outcome {
    CURRENT,
    REWRITTEN,
    UNREADABLE
  }

  /**
   * Rewrites one value unless it is current. A conflicting write may have used the key that was
   * first when it started (a reload raced it), so after a conflict the value is read again.
   */
  private Outcome rewrite(KeyValue kv) {
    KeyValue at = kv;
    while (true) {
      if (storage.current(at.key(), at.value())) {
        return Outcome.CURRENT;
      }
      byte[] plain;
      try {
        plain = storage.decrypt(at.key(), at.value());
      } catch (StorageException.Unavailable e) {
        LOG.errorf("encryption at rest: cannot rewrite: %s", e.getMessage());
        return Outcome.UNREADABLE;
      }
      try {
        storage.update(at.key(), plain, at.modRevision());
        return Outcome.REWRITTEN;
      } catch (StorageException.NotFound e) {
        return Outcome.CURRENT;
      } catch (StorageException.Conflict e) {
        java.util.Optional<KeyValue> again = storage.inner().get(at.key());
        if (again.isEmpty()) {
          return Outcome.CURRENT;
        }
        at = again.get();
      }
    }
  }
}
