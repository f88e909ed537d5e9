package io.kuark.server.controller.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class CronJobControllerTest {
  static KubernetesClient client;

  @Test
  void firesAJobForTheLatestDueTimeAndRecordsIt() {
    // The controller's clock runs 2 minutes ahead, so the every-minute schedule is already due.
    Clock ahead = Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofMinutes(2));
    try (TestLoops loops = new TestLoops(client, ahead)) {
      loops.with(new CronJobController(loops.context()).controller()).start();
      CronJob cj =
          new CronJobBuilder()
              .withNewMetadata()
              .withName("tick")
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withSchedule("* * * * *")
              .withConcurrencyPolicy("Forbid")
              .withNewJobTemplate()
              .withNewSpec()
              .withNewTemplate()
              .withNewSpec()
              .withRestartPolicy("Never")
              .addNewContainer()
              .withName("c")
              .withImage("busybox")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .endJobTemplate()
              .endSpec()
              .build();
      client.batch().v1().cronjobs().inNamespace("default").resource(cj).create();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Job> jobs =
                    client.batch().v1().jobs().inNamespace("default").list().getItems();
                assertThat(jobs.size()).isEqualTo(1);
                Job j = jobs.get(0);
                assertThat(j.getMetadata().getName()).startsWith("tick-");
                assertThat(j.getMetadata().getAnnotations())
                    .containsKey("batch.kubernetes.io/cronjob-scheduled-timestamp");
                CronJob got =
                    client.batch().v1().cronjobs().inNamespace("default").withName("tick").get();
                assertThat(got.getStatus().getActive())
                    .extracting(r -> r.getName())
                    .containsExactly(j.getMetadata().getName());
                assertThat(Instant.parse(got.getStatus().getLastScheduleTime()))
                    .isBefore(ahead.instant().plusSeconds(1));
              });
    }
  }
}
