package io.kuark.server.api.store.encryption;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Storage with encryption at rest: values of the configured resources are written with the first
 * provider's first key and read with whichever listed key wrote them (plaintext values are read
 * while {@code identity} is listed), so everything above storage (object store, watch caches) sees
 * plaintext and the backend never does. Upstream's storage transformers, as a {@link Storage}
 * decorator.
 */
public final class EncryptingStorage implements Storage {

  private static final Logger LOG = Logger.getLogger(EncryptingStorage.class);
  private static final byte[] ENCRYPTED = "k8s:enc:".getBytes(StandardCharsets.UTF_8);

  private final Storage inner;
  // Replaced by a reload while requests run: each read or write uses one configuration throughout.
  private volatile EncryptionConfig config;

  public EncryptingStorage(Storage inner, EncryptionConfig config) {
    this.inner = inner;
    this.config = config;
  }

  /** The configuration writes and reads use now. */
  public EncryptionConfig config() {
    return config;
  }

  /**
   * From now on writes use {@code next}'s first key and reads accept {@code next}'s keys. Values
   * already stored under keys it no longer lists become unreadable: rewrite them ({@link
   * SecretsRewriter}) before dropping a key.
   */
  void use(EncryptionConfig next) {
    this.config = next;
  }

  /** The undecorated storage (what is on disk). */
  public Storage inner() {
    return inner;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return inner.get(key).map(this::decrypted);
  }

  @Override
  public ListResult list(String prefix, int limit, String continueToken, long atRevision) {
    ListResult r = inner.list(prefix, limit, continueToken, atRevision);
    List<KeyValue> items = new ArrayList<>(r.items().size());
    for (KeyValue kv : r.items()) {
      items.add(decrypted(kv));
    }
    return new ListResult(items, r.revision(), r.continueToken(), r.remainingItemCount());
  }

  @Override
  public KeyValue create(String key, byte[] value, Duration ttl) {
    return withValue(inner.create(key, encrypt(key, value), ttl), value);
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
    return withValue(inner.update(key, encrypt(key, value), expectedModRevision, ttl), value);
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    return decrypted(inner.delete(key, expectedModRevision));
  }

  @Override
  public Watch watch(String prefix, long afterRevision, WatchListener listener) {
    return inner.watch(
        prefix,
        afterRevision,
        new WatchListener() {
          @Override
          public void onEvent(WatchEvent e) {
            listener.onEvent(
                new WatchEvent(
                    e.type(),
                    quietly(e.current()),
                    e.previous() == null ? null : quietly(e.previous())));
          }

          @Override
          public void onError(StorageException error) {
            listener.onError(error);
          }
        });
  }

  @Override
  public long currentRevision() {
    return inner.currentRevision();
  }

  @Override
  public void compact(long revision) {
    inner.compact(revision);
  }

  @Override
  public long compactedRevision() {
    return inner.compactedRevision();
  }

  @Override
  public void close() {
    inner.close();
  }

  /** Whether the stored value of {@code key} is already written the way a write now would be. */
  boolean current(String key, byte[] stored) {
    EncryptionConfig config = this.config;
    EncryptionConfig.Rule rule = config.ruleFor(key);
    if (rule == null) {
      return true;
    }
    if (rule.identityFirst()) {
      return !startsWith(stored, ENCRYPTED);
    }
    return rule.ciphers().get(0).wrote(stored);
  }

  byte[] encrypt(String key, byte[] plain) {
    EncryptionConfig.Rule rule = config.ruleFor(key);
    if (rule == null || rule.identityFirst()) {
      return plain;
    }
    try {
      return rule.ciphers().get(0).seal(plain, key);
    } catch (GeneralSecurityException e) {
      throw new StorageException.Unavailable("encrypting " + key + " failed: " + e.getMessage(), e);
    }
  }

  byte[] decrypt(String key, byte[] stored) {
    EncryptionConfig.Rule rule = config.ruleFor(key);
    if (rule == null) {
      return stored;
    }
    for (ValueCipher c : rule.ciphers()) {
      if (c.wrote(stored)) {
        try {
          return c.open(stored, key);
        } catch (GeneralSecurityException e) {
          throw new StorageException.Unavailable(
              "decrypting " + key + " failed: " + e.getMessage(), e);
        }
      }
    }
    if (startsWith(stored, ENCRYPTED)) {
      throw new StorageException.Unavailable(
          "decrypting " + key + " failed: no matching prefix found (is its key still listed?)",
          null);
    }
    if (!rule.identityListed()) {
      // As upstream: without the identity provider, a value stored unencrypted is an error, not
      // plaintext handed out (list identity last while encryption is first turned on).
      throw new StorageException.Unavailable(
          "decrypting "
              + key
              + " failed: no matching prefix found (stored unencrypted and identity is not listed)",
          null);
    }
    return stored;
  }

  private KeyValue decrypted(KeyValue kv) {
    if (kv == null || kv.value() == null) {
      return kv;
    }
    return withValue(kv, decrypt(kv.key(), kv.value()));
  }

  private KeyValue quietly(KeyValue kv) {
    try {
      return decrypted(kv);
    } catch (StorageException e) {
      LOG.errorf("watch: %s", e.getMessage());
      return kv;
    }
  }

  private static KeyValue withValue(KeyValue kv, byte[] value) {
    return new KeyValue(kv.key(), value, kv.createRevision(), kv.modRevision());
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
