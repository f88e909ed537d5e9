package io.kuark.server.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
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

  @Test
  void everyWindowIsTrimmedByAgeWithTheCachesSettings(@TempDir Path dir) {
    AtomicLong now = new AtomicLong();
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 16, Duration.ofSeconds(75), 1, now::get)) {
      WatchCache configMaps = caches.forType(CONFIG_MAPS);
      for (String name : new String[] {"a", "b", "c"}) {
        KeyValue kv =
            storage.create(
                "/registry/core/configmaps/default/" + name,
                ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                        + name
                        + "\",\"namespace\":\"default\"}}")
                    .getBytes(StandardCharsets.UTF_8),
                null);
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> configMaps.progressRevision() >= kv.modRevision());
      }
      caches.trimAll();
      assertThat(configMaps.size()).isEqualTo(3);

      now.set(Duration.ofSeconds(80).toNanos());
      caches.trimAll();
      assertThat(configMaps.size()).isEqualTo(1);
    }
  }
}
