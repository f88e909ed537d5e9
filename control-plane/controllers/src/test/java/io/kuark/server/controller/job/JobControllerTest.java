package io.kuark.server.controller.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.testing.TestLoops;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class JobControllerTest {
  static KubernetesClient client;

  private static Job job(String name, int completions, int parallelism, int backoffLimit) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withCompletions(completions)
        .withParallelism(parallelism)
        .withBackoffLimit(backoffLimit)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<Pod> pods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems();
  }

  /** Plays the kubelet: every running pod of the job ends with {@code phase}. */
  private static void finishAll(String app, String phase) {
    for (Pod p : pods(app)) {
      if (p.getStatus() != null && p.getStatus().getPhase() != null) {
        continue;
      }
      client
          .pods()
          .inNamespace("default")
          .withName(p.getMetadata().getName())
          .editStatus(
              x -> {
                x.setStatus(
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                        .withPhase(phase)
                        .build());
                return x;
              });
    }
  }

  private static boolean hasCondition(String name, String type) {
    Job j = client.batch().v1().jobs().inNamespace("default").withName(name).get();
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return false;
    }
    for (JobCondition c : j.getStatus().getConditions()) {
      if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void runsToCompletionWithinParallelism() {
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new JobController(loops.context()).controller()).start();
      client.batch().v1().jobs().inNamespace("default").resource(job("pi", 3, 2, 6)).create();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(pods("pi").size()).isEqualTo(2);
                assertThat(pods("pi").get(0).getMetadata().getLabels())
                    .containsKey("batch.kubernetes.io/job-name");
              });
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                finishAll("pi", "Succeeded");
                assertThat(hasCondition("pi", "Complete")).isTrue();
              });
      Job j = client.batch().v1().jobs().inNamespace("default").withName("pi").get();
      assertThat(j.getStatus().getSucceeded()).isEqualTo(3);
      assertThat(j.getStatus().getCompletionTime()).isNotNull();
      assertThat(pods("pi").size()).isEqualTo(3);
    }
  }

  @Test
  void failsAfterTheBackoffLimit() {
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new JobController(loops.context()).controller()).start();
      client.batch().v1().jobs().inNamespace("default").resource(job("bad", 1, 1, 1)).create();
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                finishAll("bad", "Failed");
                assertThat(hasCondition("bad", "Failed")).isTrue();
              });
      Job j = client.batch().v1().jobs().inNamespace("default").withName("bad").get();
      assertThat(j.getStatus().getFailed()).isEqualTo(2);
      assertThat(j.getStatus().getConditions())
          .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded"));
    }
  }

  /** Plays the kubelet for one pod. */
  private static void finish(Pod p, String phase) {
    client
        .pods()
        .inNamespace("default")
        .withName(p.getMetadata().getName())
        .editStatus(
            x -> {
              x.setStatus(
                  new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase).build());
              return x;
            });
  }

  private static Pod podOfIndex(String app, int index) {
    for (Pod p : pods(app)) {
      Map<String, String> a = p.getMetadata().getAnnotations();
      if (a != null
          && Integer.toString(index).equals(a.get("batch.kubernetes.io/job-completion-index"))
          && (p.getStatus() == null || p.getStatus().getPhase() == null)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void indexedJobRunsEachIndexOnceAndReportsCompletedIndexes() {
    Job indexed = job("idx", 4, 2, 6);
    indexed.getSpec().setCompletionMode("Indexed");
    try (TestLoops loops = new TestLoops(client, Clock.systemUTC())) {
      loops.with(new JobController(loops.context()).controller()).start();
      client.batch().v1().jobs().inNamespace("default").resource(indexed).create();
      // Parallelism 2: the two lowest indexes start first, each with its identity.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(pods("idx")).hasSize(2);
                Pod zero = podOfIndex("idx", 0);
                assertThat(zero.getMetadata().getLabels())
                    .containsEntry("batch.kubernetes.io/job-completion-index", "0");
                assertThat(zero.getSpec().getHostname()).isEqualTo("idx-0");
                assertThat(zero.getMetadata().getGenerateName()).isEqualTo("idx-0-");
                assertThat(zero.getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX");
                          assertThat(e.getValue()).isEqualTo("0");
                        });
                assertThat(podOfIndex("idx", 1)).isNotNull();
              });
      // Index 1 fails: it is retried under the same index; index 0 succeeds.
      finish(podOfIndex("idx", 1), "Failed");
      finish(podOfIndex("idx", 0), "Succeeded");
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(podOfIndex("idx", 1)).isNotNull();
                assertThat(podOfIndex("idx", 2)).isNotNull();
                Job j = client.batch().v1().jobs().inNamespace("default").withName("idx").get();
                assertThat(j.getStatus().getCompletedIndexes()).isEqualTo("0");
              });
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                for (int i = 1; i < 4; i++) {
                  Pod p = podOfIndex("idx", i);
                  if (p != null) {
                    finish(p, "Succeeded");
                  }
                }
                assertThat(hasCondition("idx", "Complete")).isTrue();
              });
      Job j = client.batch().v1().jobs().inNamespace("default").withName("idx").get();
      assertThat(j.getStatus().getCompletedIndexes()).isEqualTo("0-3");
      assertThat(j.getStatus().getFailed()).isEqualTo(1);
    }
  }
}
