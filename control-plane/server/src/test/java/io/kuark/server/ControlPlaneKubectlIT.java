package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole control plane (API server, controllers, scheduler, node lifecycle) of a real
 * kuark-server driven by real kubectl, with three fake nodes: the test plays their kubelets (it
 * heartbeats the nodes, marks bound pods Running/Ready or Succeeded, and finishes graceful pod
 * deletions as a kubelet confirms them). Ordered so that the scenario which silences a fourth node
 * runs last and the node count seen by the others stays three.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneKubectlIT {
  static final List<String> NODES = List.of("cp-n1", "cp-n2", "cp-n3");

  static Path dir;
  static ServerProcess server;
  static ControlPlaneHarness cluster;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("kuark-cp-kubectl-it");
    server =
        new ServerProcess(
            dir.resolve("data"), dir.resolve("etc/kuark.yaml"), ServerProcess.freePort());
    cluster = new ControlPlaneHarness(new Kubectl("1.33", server.kubeconfig), dir);
    for (String node : NODES) {
      cluster.createNode(node, "4");
    }
    cluster.startHeartbeats(NODES);
  }

  @AfterAll
  static void stop() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void apply(String name, String yaml) {
    cluster.apply(name, yaml);
  }

  private static String jsonpath(String ns, String what, String path) {
    return cluster.jsonpath(ns, what, path);
  }

  private static List<String[]> pods(String ns) {
    return cluster.pods(ns);
  }

  private static void playKubelet(String ns) {
    cluster.playKubelet(ns);
  }

  private static Kubectl.Result rolloutStatus(String ns, String what) {
    return cluster.rolloutStatus(ns, what, cluster::playKubelet);
  }

  private static void deployment(String ns, String name, int replicas) {
    cluster.run("create", "namespace", ns).ok();
    cluster
        .run(
            "-n",
            ns,
            "create",
            "deployment",
            name,
            "--image=kuark.local/demo:1",
            "--replicas=" + replicas)
        .ok();
  }

  @Test
  @Order(1)
  void deploymentRollsOutUpdatesUndoesAndScales() {
    deployment("cp-deploy", "web", 2);
    assertThat(rolloutStatus("cp-deploy", "deployment/web").out())
        .contains("successfully rolled out");
    assertThat(jsonpath("cp-deploy", "pods", "{.items[*].spec.nodeName}")).contains("cp-n");

    cluster
        .run("-n", "cp-deploy", "set", "image", "deployment/web", "demo=kuark.local/demo:2")
        .ok();
    rolloutStatus("cp-deploy", "deployment/web");
    String history =
        cluster.run("-n", "cp-deploy", "rollout", "history", "deployment/web").ok().out();
    assertThat(history.lines().filter(l -> l.matches("^\\d+\\s.*")).map(l -> l.split("\\s+")[0]))
        .containsExactly("1", "2");

    cluster.run("-n", "cp-deploy", "rollout", "undo", "deployment/web").ok();
    rolloutStatus("cp-deploy", "deployment/web");
    assertThat(jsonpath("cp-deploy", "deployment/web", "{.spec.template.spec.containers[0].image}"))
        .isEqualTo("kuark.local/demo:1");
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              playKubelet("cp-deploy");
              assertThat(jsonpath("cp-deploy", "pods", "{.items[*].spec.containers[0].image}"))
                  .isEqualTo("kuark.local/demo:1 kuark.local/demo:1");
            });

    cluster.run("-n", "cp-deploy", "scale", "deployment/web", "--replicas=3").ok();
    rolloutStatus("cp-deploy", "deployment/web");
    assertThat(pods("cp-deploy")).hasSize(3).allMatch(p -> "Running".equals(p[1]));
  }

  private static List<String> daemonNodes(String ns, String app) {
    return Arrays.stream(
            cluster
                .run(
                    "-n",
                    ns,
                    "get",
                    "pods",
                    "-l",
                    "app=" + app,
                    "-o",
                    "jsonpath={.items[*].spec.nodeName}")
                .ok()
                .out()
                .trim()
                .split(" "))
        .filter(s -> !s.isEmpty())
        .sorted()
        .toList();
  }

  private static String daemonSet(String name, String tolerations) {
    return "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: "
        + name
        + ", namespace: cp-ds}\nspec:\n  selector: {matchLabels: {app: "
        + name
        + "}}\n  template:\n    metadata: {labels: {app: "
        + name
        + "}}\n    spec:\n      tolerations: "
        + tolerations
        + "\n      containers:\n      - {name: c, image: kuark.local/demo:1}\n";
  }

  @Test
  @Order(2)
  void daemonSetRunsOnePodPerNodeAndRespectsTaints() throws IOException {
    cluster.run("create", "namespace", "cp-ds").ok();
    cluster.run("taint", "node", "cp-n3", "dedicated=infra:NoSchedule").ok();
    try {
      apply("ds-plain.yaml", daemonSet("plain", "[]"));
      apply(
          "ds-tolerant.yaml",
          daemonSet(
              "tolerant", "[{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]"));
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                assertThat(daemonNodes("cp-ds", "tolerant"))
                    .containsExactly("cp-n1", "cp-n2", "cp-n3");
                assertThat(daemonNodes("cp-ds", "plain")).containsExactly("cp-n1", "cp-n2");
              });
      rolloutStatus("cp-ds", "daemonset/plain");
      rolloutStatus("cp-ds", "daemonset/tolerant");
      // Still no pod on the tainted node for the DaemonSet that does not tolerate it.
      assertThat(daemonNodes("cp-ds", "plain")).containsExactly("cp-n1", "cp-n2");

      // Rolling update, history and undo through the DaemonSet's ControllerRevisions.
      cluster.run("set", "image", "-n", "cp-ds", "daemonset/plain", "c=kuark.local/demo:2").ok();
      rolloutStatus("cp-ds", "daemonset/plain");
      assertThat(cluster.run("rollout", "history", "-n", "cp-ds", "daemonset/plain").ok().out())
          .containsPattern("(?m)^1\\s")
          .containsPattern("(?m)^2\\s");
      cluster.run("rollout", "undo", "-n", "cp-ds", "daemonset/plain").ok();
      rolloutStatus("cp-ds", "daemonset/plain");
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(
                          cluster
                              .run(
                                  "get",
                                  "pods",
                                  "-n",
                                  "cp-ds",
                                  "-l",
                                  "app=plain",
                                  "-o",
                                  "jsonpath={.items[*].spec.containers[0].image}")
                              .ok()
                              .out()
                              .split(" "))
                      .containsOnly("kuark.local/demo:1"));
      assertThat(cluster.run("rollout", "history", "-n", "cp-ds", "daemonset/plain").ok().out())
          .containsPattern("(?m)^2\\s")
          .containsPattern("(?m)^3\\s")
          .doesNotContainPattern("(?m)^1\\s");
    } finally {
      cluster.run("taint", "node", "cp-n3", "dedicated=infra:NoSchedule-");
    }
  }

  @Test
  @Order(3)
  void podTooBigForAnyNodeStaysPendingWithFailedScheduling() throws IOException {
    cluster.run("create", "namespace", "cp-big").ok();
    apply(
        "big.yaml",
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: big, namespace: cp-big}
        spec:
          containers:
          - name: c
            image: kuark.local/demo:1
            resources: {requests: {cpu: "64"}}
        """);
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        cluster
                            .run(
                                "-n",
                                "cp-big",
                                "get",
                                "events",
                                "--field-selector=reason=FailedScheduling")
                            .ok()
                            .out())
                    .contains("0/3 nodes are available: 3 Insufficient cpu. preemption: "));
    assertThat(cluster.run("-n", "cp-big", "describe", "pod", "big").ok().out())
        .contains("FailedScheduling")
        .contains("0/3 nodes are available: 3 Insufficient cpu.");
    assertThat(jsonpath("cp-big", "pod/big", "{.status.phase}/{.spec.nodeName}"))
        .isEqualTo("Pending/");
    assertThat(
            jsonpath(
                "cp-big",
                "pod/big",
                "{.status.conditions[?(@.type==\"PodScheduled\")].status}/"
                    + "{.status.conditions[?(@.type==\"PodScheduled\")].reason}"))
        .isEqualTo("False/Unschedulable");
  }

  @Test
  @Order(4)
  void deletingADeploymentCascadesToReplicaSetsAndPods() {
    deployment("cp-gc", "web", 2);
    rolloutStatus("cp-gc", "deployment/web");
    assertThat(cluster.run("-n", "cp-gc", "get", "rs", "-o", "name").ok().out()).contains("web-");
    cluster.run("-n", "cp-gc", "delete", "deployment", "web", "--wait=false").ok();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () -> {
              playKubelet("cp-gc");
              assertThat(cluster.run("-n", "cp-gc", "get", "rs,pods", "-o", "name").ok().out())
                  .isBlank();
            });
  }

  @Test
  @Order(5)
  void jobRunsToCompletion() throws IOException {
    cluster.run("create", "namespace", "cp-job").ok();
    apply(
        "job.yaml",
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: twice, namespace: cp-job}
        spec:
          completions: 2
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: c, image: kuark.local/demo:1}
        """);
    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              for (String[] p : pods("cp-job")) {
                if (!"Succeeded".equals(p[1])) {
                  String now = Instant.now().toString();
                  cluster.run(
                      "-n",
                      "cp-job",
                      "patch",
                      "pod",
                      p[0],
                      "--subresource=status",
                      "--type=merge",
                      "-p",
                      "{\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"c\","
                          + "\"image\":\"kuark.local/demo:1\",\"imageID\":\"\",\"ready\":false,"
                          + "\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":0,"
                          + "\"reason\":\"Completed\",\"startedAt\":\""
                          + now
                          + "\",\"finishedAt\":\""
                          + now
                          + "\"}}}]}}");
                }
              }
              Kubectl.Result r =
                  cluster.run(
                      "-n",
                      "cp-job",
                      "wait",
                      "--for=condition=complete",
                      "job/twice",
                      "--timeout=5s");
              assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
            });
    assertThat(jsonpath("cp-job", "job/twice", "{.status.succeeded}")).isEqualTo("2");
  }

  @Test
  @Order(6)
  void cronJobFiresAJob() {
    cluster.run("create", "namespace", "cp-cron").ok();
    cluster
        .run(
            "-n",
            "cp-cron",
            "create",
            "cronjob",
            "tick",
            "--image=kuark.local/demo:1",
            "--schedule=*/1 * * * *")
        .ok();
    await()
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(
                        jsonpath(
                            "cp-cron",
                            "jobs",
                            "{range .items[*]}{.metadata.ownerReferences[0].kind}/"
                                + "{.metadata.ownerReferences[0].name}{\"\\n\"}{end}"))
                    .contains("CronJob/tick"));
    assertThat(jsonpath("cp-cron", "cronjob/tick", "{.status.lastScheduleTime}")).isNotEmpty();
  }

  @Test
  @Order(7)
  void silentNodeGetsUnreachableTaintAndEvictsIntolerantPods() throws IOException {
    cluster.createNode("cp-silent", "4");
    cluster.run("create", "namespace", "cp-silent").ok();
    apply(
        "silent-pod.yaml",
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: stranded, namespace: cp-silent}
        spec:
          nodeName: cp-silent
          tolerations:
          - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 1}
          containers:
          - {name: c, image: kuark.local/demo:1}
        """);
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(3))
          .untilAsserted(
              () -> {
                assertThat(
                        cluster
                            .run(
                                "get",
                                "node",
                                "cp-silent",
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                            .ok()
                            .out())
                    .isEqualTo("Unknown");
                assertThat(
                        cluster
                            .run(
                                "get",
                                "node",
                                "cp-silent",
                                "-o",
                                "jsonpath={range .spec.taints[*]}{.key}:{.effect}{\"\\n\"}{end}")
                            .ok()
                            .out())
                    .contains("node.kubernetes.io/unreachable:NoExecute");
              });
      assertThat(cluster.run("get", "node", "cp-silent").ok().out()).contains("NotReady");
      // Evicted: deleted (it stays Terminating as long as no kubelet confirms, as upstream).
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () -> {
                Kubectl.Result r =
                    cluster.run(
                        "-n",
                        "cp-silent",
                        "get",
                        "pod",
                        "stranded",
                        "-o",
                        "jsonpath={.metadata.deletionTimestamp}");
                assertThat(r.exitCode() != 0 ? "gone" : r.out()).isNotBlank();
              });
      // The heartbeating nodes stayed Ready the whole time.
      for (String n : NODES) {
        assertThat(
                cluster
                    .run(
                        "get",
                        "node",
                        n,
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                    .ok()
                    .out())
            .isEqualTo("True");
      }
    } finally {
      cluster.run("delete", "node", "cp-silent", "--wait=false");
    }
  }
}
