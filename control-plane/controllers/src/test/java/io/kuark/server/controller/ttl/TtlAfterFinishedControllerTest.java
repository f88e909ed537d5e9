package io.kuark.server.controller.ttl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class TtlAfterFinishedControllerTest {
  static KubernetesClient client;

  private static Job finished(String name, int ttl, boolean done) {
    JobBuilder b =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withTtlSecondsAfterFinished(ttl)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec();
    Job j = b.build();
    Job created = client.batch().v1().jobs().inNamespace("default").resource(j).create();
    if (done) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace("default")
          .withName(name)
          .editStatus(
              x -> {
                x.setStatus(
                    new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                        .addNewCondition()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime(Instant.now().minusSeconds(10).toString())
                        .endCondition()
                        .build());
                return x;
              });
    }
    return created;
  }

  @Test
  void deletesFinishedJobsOnceTheirTtlPassedAndLeavesOthers() {
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new TtlAfterFinishedController(loops.context()).controller()).start();
      finished("expired", 5, true);
      finished("fresh", 3600, true);
      finished("running", 0, false);
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .batch()
                              .v1()
                              .jobs()
                              .inNamespace("default")
                              .withName("expired")
                              .get())
                      .isNull());
      assertThat(client.batch().v1().jobs().inNamespace("default").withName("fresh").get())
          .isNotNull();
      assertThat(client.batch().v1().jobs().inNamespace("default").withName("running").get())
          .isNotNull();
    }
  }
}
