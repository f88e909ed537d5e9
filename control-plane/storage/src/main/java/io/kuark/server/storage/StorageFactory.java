package io.kuark.server.storage;

import io.kuark.server.storage.etcd.EtcdStorage;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the backend a {@link StorageConfig} names. */
public final class StorageFactory {

  private StorageFactory() {}

  /**
   * Opens (creating when missing) the configured storage. The caller owns the result and must close
   * it.
   *
   * @throws IllegalArgumentException for an unknown kind or etcd without endpoints
   * @throws StorageException.Unavailable when the backend cannot be opened
   */
  public static Storage open(StorageConfig config) {
    String kind = config.kind() == null ? StorageConfig.EMBEDDED : config.kind();
    switch (kind) {
      case StorageConfig.EMBEDDED:
        Path file = config.embeddedDatabaseFile();
        try {
          Files.createDirectories(file.getParent());
        } catch (IOException e) {
          throw new StorageException.Unavailable("cannot create " + file.getParent(), e);
        }
        return SqliteStorage.open(file);
      case StorageConfig.ETCD:
        if (config.etcdEndpoints().isEmpty()) {
          throw new IllegalArgumentException("storage kind etcd needs at least one endpoint");
        }
        return EtcdStorage.connect(config.etcdEndpoints());
      default:
        throw new IllegalArgumentException(
            "unknown storage kind '" + kind + "' (expected embedded or etcd)");
    }
  }
}
