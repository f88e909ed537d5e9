package io.kuark.server.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Which backend {@link StorageFactory#open} opens.
 *
 * @param kind {@code embedded} (SQLite under {@code dataDir/server/db/state.db}) or {@code etcd}
 * @param dataDir the server's data directory root (the {@code --data-dir} flag)
 * @param etcdEndpoints client URLs such as {@code http://127.0.0.1:2379}; used for {@code etcd}
 */
public record StorageConfig(String kind, Path dataDir, List<String> etcdEndpoints) {

  public static final String EMBEDDED = "embedded";
  public static final String ETCD = "etcd";

  public StorageConfig {
    etcdEndpoints = etcdEndpoints == null ? List.of() : List.copyOf(etcdEndpoints);
  }

  /** The SQLite file of the embedded backend. */
  public Path embeddedDatabaseFile() {
    return dataDir.resolve("server").resolve("db").resolve("state.db");
  }
}
