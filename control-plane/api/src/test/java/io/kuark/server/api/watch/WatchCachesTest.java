package io.kuark.server.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchCachesTest {

  private static final ResourceType CONFIG_MAPS =
      ResourceCatalog.builtIns().find("", "v1", "configmaps").orElseThrow();

  @Test
  void oneCachePerTypeUntilClosedAndNoneAfter(@TempDir Path dir) {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"))) {
      WatchCaches caches = new WatchCaches(storage, 16);
      WatchCache first = caches.forType(CONFIG_MAPS);
      assertThat(caches.forType(CONFIG_MAPS)).isSameAs(first);
      assertThat(caches.size()).isEqualTo(1);

      caches.close();

      // A subscriber reacting to the shutdown must not start a storage watch nobody closes.
      assertThatThrownBy(() -> caches.forType(CONFIG_MAPS))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(503));
      assertThat(caches.size()).isZero();
    }
  }
}
