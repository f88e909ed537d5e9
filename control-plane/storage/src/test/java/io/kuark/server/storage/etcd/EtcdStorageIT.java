package io.kuark.server.storage.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageConfig;
import io.kuark.server.storage.StorageContractIT;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.StorageFactory;
import java.nio.file.Path;
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
  void unreachableEtcdIsUnavailable() throws Exception {
    assertThatThrownBy(() -> EtcdStorage.connect(List.of("http://127.0.0.1:1")))
        .isInstanceOf(StorageException.Unavailable.class);
  }
}
