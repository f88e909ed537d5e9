package io.kuark.bench.storage;

import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.function.Consumer;

/** A Kuark {@link Storage} backend under benchmark. */
final class StorageTarget implements BenchTarget {

  private final String name;
  private final Storage storage;

  StorageTarget(String name, Storage storage) {
    this.name = name;
    this.storage = storage;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long create(String key, byte[] value) {
    return storage.create(key, value).modRevision();
  }

  @Override
  public boolean get(String key) {
    return storage.get(key).isPresent();
  }

  @Override
  public long update(String key, byte[] value, long expectedModRevision) {
    return storage.update(key, value, expectedModRevision).modRevision();
  }

  @Override
  public int list(String prefix) {
    return storage.list(prefix, 0, null, 0).items().size();
  }

  @Override
  public AutoCloseable watch(String prefix, Consumer<String> onKey) {
    return storage.watch(
        prefix,
        0,
        new WatchListener() {
          @Override
          public void onEvent(WatchEvent event) {
            onKey.accept(event.current().key());
          }

          @Override
          public void onError(StorageException error) {
            System.err.println("watch failed: " + error);
          }
        });
  }

  @Override
  public void close() {
    storage.close();
  }
}
