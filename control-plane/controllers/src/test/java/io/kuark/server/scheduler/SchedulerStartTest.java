package io.kuark.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's start waits for the first list of every informer it registered; against an API
 * that does not serve ReplicationControllers (as kuark-server) it must not register one, or that
 * informer never syncs and every pending pod waits out the whole bounded wait unscheduled (the ~18
 * s stalls without FailedScheduling seen in ControlPlaneKubectlIT).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SchedulerStartTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void informersSyncWhenTheApiServesNoReplicationControllers() {
    server
        .expect()
        .get()
        .withPath("/api/v1")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("v1")
                .addNewResource()
                .withName("pods")
                .withKind("Pod")
                .withNamespaced(true)
                .endResource()
                .addNewResource()
                .withName("nodes")
                .withKind("Node")
                .withNamespaced(false)
                .endResource()
                .build())
        .always();
    for (String path :
        new String[] {
          "/api/v1/replicationcontrollers?resourceVersion=0", "/api/v1/replicationcontrollers"
        }) {
      server
          .expect()
          .get()
          .withPath(path)
          .andReturn(
              404,
              new StatusBuilder()
                  .withStatus("Failure")
                  .withReason("NotFound")
                  .withCode(404)
                  .withMessage("the server could not find the requested resource")
                  .build())
          .always();
    }
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      Scheduler scheduler = new Scheduler(loops.context(), (pod, node) -> {});
      // Bounded wait for the first lists, as the scheduler's leadership start does.
      loops.start();
      assertThat(loops.context().informers().hasSynced()).isTrue();
      scheduler.close();
    }
  }
}
