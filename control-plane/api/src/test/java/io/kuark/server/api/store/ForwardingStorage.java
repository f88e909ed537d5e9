package io.kuark.server.api.store;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.WatchListener;
import java.time.Duration;
import java.util.Optional;

/** A storage that hands every call to another; tests override the calls they observe or upset. */
public class ForwardingStorage implements Storage {
  protected final Storage inner;

  public ForwardingStorage(Storage inner) {
    this.inner = inner;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return inner.get(key);
  }

  @Override
  public ListResult list(String prefix, int limit, String continueToken, long atRevision) {
    return inner.list(prefix, limit, continueToken, atRevision);
  }

  @Override
  public KeyValue create(String key, byte[] value, Duration ttl) {
    return inner.create(key, value, ttl);
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
    return inner.update(key, value, expectedModRevision, ttl);
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    return inner.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(String prefix, long afterRevision, WatchListener listener) {
    return inner.watch(prefix, afterRevision, listener);
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
}
