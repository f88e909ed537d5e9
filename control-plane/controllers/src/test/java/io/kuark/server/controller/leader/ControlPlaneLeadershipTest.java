package io.kuark.server.controller.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.ControlPlaneLoops;
import io.kuark.server.controller.ControlPlaneLoopsConfig;
import io.kuark.server.controller.testing.QuietMockServer;
import io.kuark.server.scheduler.Fixtures;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two control planes against one API: one leads each lease, the other takes over when the leader
 * stops, and a leader whose lease is taken away stops its loops.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ControlPlaneLeadershipTest {
  static KubernetesClient client;

  private static void bindByUpdate(Pod pod, String node) {
    Fixtures.bindByUpdate(client, pod, node);
  }

  @BeforeEach
  void noLeasesYet() {
    client.leases().inNamespace("kube-system").delete();
  }

  private static Lease lease(String name) {
    return client.leases().inNamespace("kube-system").withName(name).get();
  }

  private static ControlPlaneLoops start() {
    return ControlPlaneLoops.start(
        client, ControlPlaneLoopsConfig.defaults(), ControlPlaneLeadershipTest::bindByUpdate);
  }

  @Test
  void exactlyOneLeadsAndTheOtherTakesOver() {
    QuietMockServer.install();
    try (ControlPlaneLoops first = start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> first.leadsControllers() && first.leadsScheduler());
      try (ControlPlaneLoops second = start()) {
        // The second campaigns for a while: a few retry periods pass without it leading.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    second.identity().equals(holder("kuark-controller-manager"))
                        || attemptsSeen(second));
        assertThat(second.leadsControllers()).isFalse();
        assertThat(second.leadsScheduler()).isFalse();
        assertThat(holder("kuark-controller-manager")).isEqualTo(first.identity());
        assertThat(holder("kuark-scheduler")).isEqualTo(first.identity());
        Lease l = lease("kuark-controller-manager");
        assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(15);

        first.close();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> second.leadsControllers() && second.leadsScheduler());
        assertThat(holder("kuark-controller-manager")).isEqualTo(second.identity());
        assertThat(first.leadsControllers()).isFalse();
      }
    }
  }

  @Test
  void leaderThatLosesItsLeaseStopsItsLoops() {
    QuietMockServer.install();
    try (ControlPlaneLoops only = start()) {
      await().atMost(Duration.ofSeconds(60)).until(only::leadsControllers);
      // Another holder takes the lease over (as after a partition); renewals now fail. The edit
      // is a compare-and-swap that a concurrent renewal may win (409): then it is tried again.
      Lease[] taken = new Lease[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsMatching(e -> String.valueOf(e.getMessage()).contains("409"))
          .until(
              () ->
                  (taken[0] =
                          client
                              .leases()
                              .inNamespace("kube-system")
                              .withName("kuark-controller-manager")
                              .edit(
                                  l -> {
                                    l.getSpec().setHolderIdentity("somebody-else");
                                    l.getSpec().setRenewTime(ZonedDateTime.now().plusMinutes(5));
                                    l.getSpec().setLeaseDurationSeconds(3600);
                                    return l;
                                  }))
                      != null);
      Lease stolen = taken[0];
      assertThat(stolen.getSpec().getHolderIdentity()).isEqualTo("somebody-else");
      await().atMost(Duration.ofSeconds(60)).until(() -> !only.leadsControllers());
      assertThat(holder("kuark-controller-manager")).isEqualTo("somebody-else");
      // The scheduler's lease is separate and still held.
      assertThat(only.leadsScheduler()).isTrue();
    }
  }

  private static String holder(String name) {
    Lease l = lease(name);
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  /** True once the second instance has certainly had a chance to try (the lease was renewed). */
  private static boolean attemptsSeen(ControlPlaneLoops second) {
    Lease l = lease("kuark-controller-manager");
    return l != null
        && l.getSpec().getRenewTime() != null
        && l.getSpec().getAcquireTime() != null
        && l.getSpec().getRenewTime().isAfter(l.getSpec().getAcquireTime().plusSeconds(4));
  }
}
