package io.kuark.server.api.store.encryption;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.StorageException;
import org.jboss.logging.Logger;

/**
 * Rewrites every stored value of the encrypted resources that is not written with the current first
 * key (plaintext from before encryption, or an older key after a rotation), as upstream's "rewrite
 * all secrets" step; each rewrite is a compare-and-swap, so a concurrent write (which encrypts with
 * the current key anyway) wins. The server runs it at start; {@code kuark secrets-encrypt rotate}
 * runs it on demand.
 */
public final class SecretsRewriter {

  private static final Logger LOG = Logger.getLogger(SecretsRewriter.class);
  private static final int PAGE = 500;

  private final EncryptingStorage storage;
  private final EncryptionConfig config;

  public SecretsRewriter(EncryptingStorage storage, EncryptionConfig config) {
    this.storage = storage;
    this.config = config;
  }

  /** Rewrites what needs it; returns how many values were rewritten. */
  public int run() {
    int rewritten = 0;
    for (String prefix : config.prefixes()) {
      String token = null;
      do {
        ListResult page = storage.inner().list(prefix, PAGE, token, 0);
        for (KeyValue kv : page.items()) {
          if (storage.current(kv.key(), kv.value())) {
            continue;
          }
          byte[] plain = storage.decrypt(kv.key(), kv.value());
          try {
            storage.update(kv.key(), plain, kv.modRevision());
            rewritten++;
          } catch (StorageException.Conflict | StorageException.NotFound e) {
            // Written or deleted meanwhile: a write already used the current key.
          }
        }
        token = page.continueToken();
      } while (token != null);
    }
    if (rewritten > 0) {
      LOG.infof("encryption at rest: rewrote %d stored values with the current key", rewritten);
    }
    return rewritten;
  }
}
