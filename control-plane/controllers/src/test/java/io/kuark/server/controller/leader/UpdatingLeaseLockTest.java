package io.kuark.server.controller.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The lease lock renews with a PUT carrying the resourceVersion it read (so lease holders need only
 * get/create/update, as upstream), and a lease changed since that read is not overwritten.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class UpdatingLeaseLockTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private static LeaderElectionRecord record(String holder, int transitions) {
    ZonedDateTime now = ZonedDateTime.now();
    return new LeaderElectionRecord(holder, Duration.ofSeconds(15), now, now, transitions);
  }

  private static Lease lease(String name) {
    return client.leases().inNamespace("kube-system").withName(name).get();
  }

  @Test
  void renewsWithAnUpdateOfTheVersionItRead() throws Exception {
    UpdatingLeaseLock lock = new UpdatingLeaseLock("kube-system", "renewed", "me");
    assertThat(lock.get(client)).isNull();
    lock.create(client, record("me", 0));
    assertThat(lock.get(client).getHolderIdentity()).isEqualTo("me");
    int before = server.getRequestCount();
    lock.update(client, record("me", 1));

    assertThat(server.getRequestCount()).isEqualTo(before + 1);
    var request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("PUT");
    assertThat(request.getPath())
        .isEqualTo("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/renewed");
    assertThat(lease("renewed").getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void aLeaseChangedSinceTheReadIsNotOverwritten() {
    UpdatingLeaseLock lock = new UpdatingLeaseLock("kube-system", "contended", "me");
    lock.create(client, record("me", 0));
    lock.get(client);
    client
        .leases()
        .inNamespace("kube-system")
        .withName("contended")
        .edit(
            l -> {
              l.getSpec().setHolderIdentity("other");
              return l;
            });

    assertThatThrownBy(() -> lock.update(client, record("me", 0)))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
    assertThat(lease("contended").getSpec().getHolderIdentity()).isEqualTo("other");
  }

  @Test
  void updateBeforeAnyReadIsRefused() {
    UpdatingLeaseLock lock = new UpdatingLeaseLock("kube-system", "unread", "me");
    assertThatThrownBy(() -> lock.update(client, record("me", 0)))
        .isInstanceOf(IllegalStateException.class);
  }
}
