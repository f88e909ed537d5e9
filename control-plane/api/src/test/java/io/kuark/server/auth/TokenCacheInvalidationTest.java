package io.kuark.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StorageKeys;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authn.ObjectRef;
import io.kuark.server.auth.authn.TokenResultCache;
import io.kuark.server.auth.authn.TokenVerdict;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invalidation against real storage and watch caches, with a one-hour TTL so that only an
 * invalidation (never expiry) can empty the cache.
 */
class TokenCacheInvalidationTest {

  static final List<String> API = List.of("api");
  final ResourceCatalog catalog = ResourceCatalog.builtIns();
  final TokenResultCache<String> cache =
      new TokenResultCache<>(Clock.systemUTC(), Duration.ofHours(1), Duration.ofHours(1), 100);

  ObjectNode object(String kind, String name) throws Exception {
    return (ObjectNode)
        new ObjectMapper()
            .readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\""
                    + kind
                    + "\",\"metadata\":{\"name\":\""
                    + name
                    + "\",\"namespace\":\"ns1\",\"uid\":\"u-"
                    + name
                    + "\"}}");
  }

  void remember(String token, ObjectRef... deps) {
    cache.get(token, API, () -> new TokenVerdict<>(Optional.of(token), Set.of(deps), null));
  }

  boolean cached(String token) {
    return cache
        .get(token, API, () -> new TokenVerdict<>(Optional.empty(), Set.of(), null))
        .isPresent();
  }

  @Test
  void writesThroughThisServerInvalidateBeforeTheyReturn(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      ResourceType sas = catalog.find("", "v1", "serviceaccounts").orElseThrow();
      ResourceType pods = catalog.find("", "v1", "pods").orElseThrow();
      StoredObject robot = store.create(sas, object("ServiceAccount", "robot"));
      StoredObject pod = store.create(pods, object("Pod", "p"));
      try (TokenCacheInvalidation inv =
          new TokenCacheInvalidation(store, caches, catalog, List.of(cache)).start()) {
        assertThat(cache.enabled()).isTrue();
        ObjectRef robotRef = new ObjectRef("serviceaccounts", "ns1", "robot");
        ObjectRef podRef = new ObjectRef("pods", "ns1", "p");
        remember("sa-token", robotRef);
        remember("pod-token", robotRef, podRef);

        // A pod status update leaves the pod's tokens alone.
        ObjectNode running = pod.object().deepCopy();
        running.putObject("status").put("phase", "Running");
        store.update(pods, running, pod.modRevision());
        assertThat(cached("pod-token")).isTrue();

        store.delete(sas, robot.object(), robot.modRevision());
        // No waiting: the delete dropped the entries before it returned.
        assertThat(cached("sa-token")).isFalse();
        assertThat(cached("pod-token")).isFalse();
      }
      assertThat(cache.enabled()).isFalse();
    }
  }

  @Test
  void writesFromElsewhereInvalidateThroughTheWatch(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      ResourceType secrets = catalog.find("", "v1", "secrets").orElseThrow();
      for (String plural : TokenCacheInvalidation.DEPENDENCIES) {
        caches.forType(catalog.find("", "v1", plural).orElseThrow());
      }
      try (TokenCacheInvalidation inv =
          new TokenCacheInvalidation(store, caches, catalog, List.of(cache)).start()) {
        remember("legacy-token", new ObjectRef("secrets", "ns1", "robot-token"));
        remember("other-token", new ObjectRef("secrets", "ns1", "other"));
        // Another API server (sharing etcd) writes: only the watch tells this one.
        KeyValue written =
            storage.create(
                StorageKeys.key(secrets, "ns1", "robot-token"),
                object("Secret", "robot-token").toString().getBytes(StandardCharsets.UTF_8),
                null);
        await().atMost(Duration.ofMinutes(2)).until(() -> !cached("legacy-token"));
        assertThat(written.modRevision()).isPositive();
        assertThat(cached("other-token")).isTrue();
      }
    }
  }

  @Test
  void mattersSkipsOnlyPodUpdates() {
    assertThat(TokenCacheInvalidation.matters("pods", "MODIFIED")).isFalse();
    assertThat(TokenCacheInvalidation.matters("pods", "DELETED")).isTrue();
    assertThat(TokenCacheInvalidation.matters("pods", "ADDED")).isTrue();
    assertThat(TokenCacheInvalidation.matters("secrets", "MODIFIED")).isTrue();
    assertThat(TokenCacheInvalidation.matters("serviceaccounts", "MODIFIED")).isTrue();
  }
}
