package io.kuark.server.auth.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.store.ForwardingStorage;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceQuotaAdmissionTest {

  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIns();
  private static final ResourceType QUOTAS = CATALOG.find("", "v1", "resourcequotas").orElseThrow();
  private static final ResourceType CONFIG_MAPS =
      CATALOG.find("", "v1", "configmaps").orElseThrow();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs a hook once, just before the first quota update reaches storage. */
  private static final class RacingStorage extends ForwardingStorage {
    Runnable beforeQuotaUpdate;

    RacingStorage(Storage inner) {
      super(inner);
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
      Runnable hook = beforeQuotaUpdate;
      if (hook != null && key.contains("/resourcequotas/")) {
        beforeQuotaUpdate = null;
        hook.run();
      }
      return inner.update(key, value, expectedModRevision, ttl);
    }
  }

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }

  private static ObjectNode quota(String name, String hard, String used) throws Exception {
    return json(
        "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\"a\"},\"spec\":{\"hard\":{\"configmaps\":\""
            + hard
            + "\"}},\"status\":{\"hard\":{\"configmaps\":\""
            + hard
            + "\"},\"used\":{\"configmaps\":\""
            + used
            + "\"}}}");
  }

  private static AdmissionAttributes createConfigMap(String name) throws Exception {
    return new AdmissionAttributes(
        CONFIG_MAPS,
        json(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\"a\"}}"),
        null,
        false);
  }

  private static String used(ObjectStore store, String name) {
    return store
        .get(QUOTAS, "a", name)
        .orElseThrow()
        .object()
        .path("status")
        .path("used")
        .path("configmaps")
        .asText();
  }

  @Test
  void chargesEveryMatchingQuotaAndRefusesOverTheLimit(@TempDir Path dir) throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      store.create(QUOTAS, quota("small", "1", "0"));
      store.create(QUOTAS, quota("large", "5", "0"));
      ResourceQuotaAdmission admission =
          new ResourceQuotaAdmission(
              new NamespacedObjects(store, CATALOG, caches), Clock.systemUTC());

      assertThat(admission.validate(createConfigMap("one"))).isEmpty();
      assertThat(used(store, "small")).isEqualTo("1");
      assertThat(used(store, "large")).isEqualTo("1");

      assertThatThrownBy(() -> admission.validate(createConfigMap("two")))
          .isInstanceOf(ApiException.class)
          .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(403))
          .hasMessageContaining("exceeded quota: small");
      assertThat(used(store, "large")).isEqualTo("1");
    }
  }

  @Test
  void aQuotaDeletedBetweenItsReadAndItsChargeNoLongerLimitsTheCreate(@TempDir Path dir)
      throws Exception {
    try (RacingStorage storage = new RacingStorage(SqliteStorage.open(dir.resolve("s.db")));
        WatchCaches caches = new WatchCaches(storage, 64)) {
      ObjectStore store = new ObjectStore(storage);
      StoredObject doomed = store.create(QUOTAS, quota("doomed", "5", "0"));
      store.create(QUOTAS, quota("kept", "5", "2"));
      ResourceQuotaAdmission admission =
          new ResourceQuotaAdmission(
              new NamespacedObjects(store, CATALOG, caches), Clock.systemUTC());
      storage.beforeQuotaUpdate = () -> store.delete(QUOTAS, doomed.object(), doomed.modRevision());

      // Before: the charge's update of the deleted quota failed the ConfigMap create with 404.
      assertThat(admission.validate(createConfigMap("one"))).isEmpty();
      assertThat(store.get(QUOTAS, "a", "doomed")).isEmpty();
      assertThat(used(store, "kept")).isEqualTo("3");
    }
  }
}
