package io.kuark.server.storage.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageConfig;
import io.kuark.server.storage.StorageContractIT;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.StorageFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a real etcd started for this class. */
class EtcdStorageIT extends StorageContractIT {

  private static EtcdProcess etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdProcess.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Storage openStorage() {
    return EtcdStorage.connect(etcd.endpoints());
  }

  @Override
  protected Storage restartBackend(Storage current) throws Exception {
    etcd.killAndRestart();
    return current;
  }

  @Override
  protected boolean watchesSurviveRestart() {
    return true;
  }

  @Test
  void factoryConnectsToEtcd() {
    try (Storage s =
        StorageFactory.open(new StorageConfig("etcd", Path.of("/nonexistent"), etcd.endpoints()))) {
      s.create(prefix + "via-factory", "v".getBytes(UTF_8));
      assertThat(s.get(prefix + "via-factory")).isPresent();
    }
  }

  @Test
  void periodicCompactionKeepsOneIntervalOfHistory() {
    long written = storage.create(prefix + "k", "v".getBytes(UTF_8)).modRevision();
    try (EtcdStorage compacting = EtcdStorage.connect(etcd.endpoints(), Duration.ofMillis(300))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> compacting.compactedRevision() >= written);
      // A round compacts only to what the previous round saw, never to the head.
      assertThat(compacting.compactedRevision()).isLessThan(compacting.currentRevision());
    }
    assertThatThrownBy(() -> storage.list(prefix, 0, null, written - 1))
        .isInstanceOf(StorageException.Gone.class);
  }

  @Test
  void unreachableEtcdIsUnavailable() throws Exception {
    assertThatThrownBy(() -> EtcdStorage.connect(List.of("http://127.0.0.1:1")))
        .isInstanceOf(StorageException.Unavailable.class);
  }
}
