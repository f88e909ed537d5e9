package io.kuark.server.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kuark.server.controller.ControlPlaneLoops;
import io.kuark.server.controller.ControlPlaneLoopsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class DeploymentControllerTest {
  static KubernetesClient client;
  private AutoCloseable loops;

  @BeforeEach
  void start() {
    io.kuark.server.controller.testing.QuietMockServer.install();
    loops = ControlPlaneLoops.start(client, ControlPlaneLoopsConfig.defaults());
  }

  @AfterEach
  void stop() throws Exception {
    loops.close();
  }

  private static Deployment deployment(String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withGeneration(1L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(600)
        .withRevisionHistoryLimit(10)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxSurge("25%")
        .withNewMaxUnavailable("25%")
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Plays the kubelet: every pod of the namespace becomes Ready. */
  private static void markAllReady() {
    for (Pod p : client.pods().inNamespace("default").list().getItems()) {
      if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
        continue;
      }
      p.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withConditions(
                  new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                      .withType("Ready")
                      .withStatus("True")
                      .withLastTransitionTime(Instant.now().minusSeconds(5).toString())
                      .build())
              .build());
      try {
        client.pods().inNamespace("default").resource(p).updateStatus();
      } catch (RuntimeException e) {
        // raced with the controller; the next poll retries
      }
    }
  }

  private static List<ReplicaSet> replicaSets(String app) {
    return client
        .apps()
        .replicaSets()
        .inNamespace("default")
        .withLabel("app", app)
        .list()
        .getItems();
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    return DeploymentUtil.condition(d.getStatus(), type);
  }

  @Test
  void createsReplicaSetAndPodsAndReportsCompleteRollout() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("web", 3, "busybox:1"))
        .create();

    await()
        .ignoreExceptions()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<ReplicaSet> rss = replicaSets("web");
              assertThat(rss.size()).isEqualTo(1);
              ReplicaSet rs = rss.get(0);
              assertThat(rs.getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision", "1");
              assertThat(rs.getSpec().getSelector().getMatchLabels())
                  .containsKey("pod-template-hash");
              assertThat(rs.getMetadata().getName())
                  .isEqualTo("web-" + rs.getMetadata().getLabels().get("pod-template-hash"));
              assertThat(
                      client
                          .pods()
                          .inNamespace("default")
                          .withLabel("app", "web")
                          .list()
                          .getItems()
                          .size())
                  .isEqualTo(3);
            });
    for (Pod p : client.pods().inNamespace("default").withLabel("app", "web").list().getItems()) {
      assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
      assertThat(p.getMetadata().getLabels()).containsKeys("app", "pod-template-hash");
    }

    await()
        .ignoreExceptions()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              Deployment d =
                  client.apps().deployments().inNamespace("default").withName("web").get();
              assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
              assertThat(d.getStatus().getObservedGeneration())
                  .isEqualTo(d.getMetadata().getGeneration());
              assertThat(condition(d, "Available").getReason())
                  .isEqualTo("MinimumReplicasAvailable");
              assertThat(condition(d, "Progressing").getReason())
                  .isEqualTo("NewReplicaSetAvailable");
              assertThat(d.getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision", "1");
            });
  }

  @Test
  void rollingUpdateMovesAllPodsToTheNewReplicaSet() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("roll", 4, "busybox:1"))
        .create();
    await()
        .ignoreExceptions()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              Deployment d =
                  client.apps().deployments().inNamespace("default").withName("roll").get();
              assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(4);
            });

    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("roll")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("busybox:2");
              d.getMetadata().setGeneration(2L);
              return d;
            });

    await()
        .ignoreExceptions()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              List<ReplicaSet> rss = replicaSets("roll");
              assertThat(rss.size()).isEqualTo(2);
              ReplicaSet newest =
                  rss.stream()
                      .filter(
                          r ->
                              "2"
                                  .equals(
                                      r.getMetadata()
                                          .getAnnotations()
                                          .get("deployment.kubernetes.io/revision")))
                      .findFirst()
                      .orElseThrow();
              ReplicaSet old = rss.stream().filter(r -> r != newest).findFirst().orElseThrow();
              assertThat(newest.getSpec().getReplicas()).isEqualTo(4);
              assertThat(old.getSpec().getReplicas()).isZero();
              Deployment d =
                  client.apps().deployments().inNamespace("default").withName("roll").get();
              assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(4);
              assertThat(condition(d, "Progressing").getReason())
                  .isEqualTo("NewReplicaSetAvailable");
            });
  }

  private static List<Pod> pods(String app) {
    return client.pods().inNamespace("default").withLabel("app", app).list().getItems();
  }

  private static Deployment get(String name) {
    return client.apps().deployments().inNamespace("default").withName(name).get();
  }

  private static void setImage(String name, String image, long generation) {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName(name)
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
              d.getMetadata().setGeneration(generation);
              return d;
            });
  }

  private static ReplicaSet revision(String app, String rev) {
    return replicaSets(app).stream()
        .filter(
            r ->
                rev.equals(
                    r.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void rollingBackToAnOldTemplateRevivesItsReplicaSetWithTheNextRevision() {
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .resource(deployment("undo", 2, "busybox:1"))
        .create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(get("undo").getStatus().getAvailableReplicas()).isEqualTo(2);
            });
    String firstHash = revision("undo", "1").getMetadata().getLabels().get("pod-template-hash");
    setImage("undo", "busybox:2", 2);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(revision("undo", "2").getSpec().getReplicas()).isEqualTo(2);
              assertThat(get("undo").getStatus().getUpdatedReplicas()).isEqualTo(2);
              assertThat(get("undo").getStatus().getReplicas()).isEqualTo(2);
            });
    // What `kubectl rollout undo` does: put revision 1's template back into the Deployment.
    setImage("undo", "busybox:1", 3);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(replicaSets("undo").size()).isEqualTo(2);
              ReplicaSet revived = revision("undo", "3");
              assertThat(revived.getMetadata().getLabels())
                  .containsEntry("pod-template-hash", firstHash);
              assertThat(revived.getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision-history", "1");
              assertThat(revived.getSpec().getReplicas()).isEqualTo(2);
              assertThat(revision("undo", "2").getSpec().getReplicas()).isZero();
              assertThat(get("undo").getMetadata().getAnnotations())
                  .containsEntry("deployment.kubernetes.io/revision", "3");
            });
  }

  @Test
  void recreateScalesTheOldReplicaSetToZeroBeforeCreatingTheNewOne() {
    Deployment d = deployment("recreate", 2, "busybox:1");
    d.getSpec().getStrategy().setType("Recreate");
    d.getSpec().getStrategy().setRollingUpdate(null);
    client.apps().deployments().inNamespace("default").resource(d).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(get("recreate").getStatus().getAvailableReplicas()).isEqualTo(2);
            });
    setImage("recreate", "busybox:2", 2);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(revision("recreate", "1").getSpec().getReplicas()).isZero());
    // The ReplicaSet controller removes the old pods (the mock API deletes at once); only then
    // may the new ReplicaSet exist.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(revision("recreate", "2").getSpec().getReplicas()).isEqualTo(2);
              assertThat(revision("recreate", "1").getSpec().getReplicas()).isZero();
              assertThat(pods("recreate"))
                  .allSatisfy(
                      p ->
                          assertThat(p.getSpec().getContainers().get(0).getImage())
                              .isEqualTo("busybox:2"));
              assertThat(get("recreate").getStatus().getAvailableReplicas()).isEqualTo(2);
            });
  }

  @Test
  void pausedDeploymentScalesButDoesNotRollOut() {
    Deployment d = deployment("paused", 1, "busybox:1");
    d.getSpec().setPaused(true);
    client.apps().deployments().inNamespace("default").resource(d).create();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(condition(get("paused"), "Progressing").getReason())
                    .isEqualTo("DeploymentPaused"));
    assertThat(replicaSets("paused")).isEmpty();
    client
        .apps()
        .deployments()
        .inNamespace("default")
        .withName("paused")
        .edit(
            x -> {
              x.getSpec().setPaused(false);
              return x;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              markAllReady();
              assertThat(replicaSets("paused").size()).isEqualTo(1);
              assertThat(get("paused").getStatus().getAvailableReplicas()).isEqualTo(1);
            });
  }
}
