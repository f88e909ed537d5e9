package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control-plane loops inside a real kuark-server, driven by real kubectl with a fake node (the
 * test plays the kubelet: it marks pods Running and Ready through the status subresource): leader
 * leases, a StatefulSet with a claim template bound to a static PersistentVolume, {@code kubectl
 * rollout status}, scale down and a partitioned rolling update.
 */
class WorkloadControllersIT {
  static Path dir;
  static ServerProcess server;
  static ControlPlaneHarness kubectl;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("kuark-workloads-it");
    server =
        new ServerProcess(
            dir.resolve("data"), dir.resolve("etc/kuark.yaml"), ServerProcess.freePort());
    kubectl = new ControlPlaneHarness(new Kubectl("1.33", server.kubeconfig), dir);
  }

  @AfterAll
  static void stop() throws IOException {
    String metrics = server == null ? "" : kubectl.run("get", "--raw", "/metrics").out();
    String log = server == null ? "" : server.log();
    if (server != null) {
      server.close();
    }
    try {
      // The loops ran as their own users the whole time: none of their requests was refused.
      // (Their client logs refused calls as "Failure executing: ... is forbidden: User ...".)
      assertThat(log.lines())
          .noneMatch(
              l ->
                  l.contains("Failure executing")
                      && (l.contains("forbidden: User \"system:kube-")
                          || l.contains("forbidden: User \"system:serviceaccount:kube-system:")));
      // Every answer to a controller's own identity is counted; its token was never refused.
      assertThat(metrics).contains("kuark_controller_requests_total{code=\"20");
      assertThat(metrics.lines())
          .noneMatch(l -> l.startsWith("kuark_controller_requests_total{code=\"401\""));
      // The only 403s a controller may get are pod creations that race the namespace's default
      // ServiceAccount (ServiceAccount admission refuses them until it exists, as upstream).
      assertThat(log.lines().filter(l -> l.contains("refused (403) for")))
          .allMatch(l -> l.matches(".*: POST \\S+/api/v1/namespaces/[^/]+/pods refused .*"));
    } finally {
      cleanUp();
    }
  }

  private static void cleanUp() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path write(String name, String yaml) {
    return kubectl.write(name, yaml);
  }

  private static void markPodsReady(String ns) {
    kubectl.markPodsReady(ns);
  }

  private static Kubectl.Result rolloutStatus(String ns, String what) {
    return kubectl.rolloutStatus(ns, what, kubectl::markPodsReady);
  }

  private static String jsonpath(String ns, String what, String path) {
    return kubectl.jsonpath(ns, what, path);
  }

  @Test
  void leasesAreHeldByTheServer() {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              String cm =
                  jsonpath(
                      "kube-system", "lease/kuark-controller-manager", "{.spec.holderIdentity}");
              String sched =
                  jsonpath("kube-system", "lease/kuark-scheduler", "{.spec.holderIdentity}");
              assertThat(cm).isNotEmpty().isEqualTo(sched);
              assertThat(
                      jsonpath(
                          "kube-system",
                          "lease/kuark-controller-manager",
                          "{.spec.leaseDurationSeconds}"))
                  .isEqualTo("15");
            });
  }

  /** kubectl acting as one of the loops' users, with its client certificate from the data dir. */
  private static Kubectl as(String certName) throws IOException {
    Path tls = server.dataDir.resolve("server").resolve("tls");
    Path config =
        write(
            certName + ".kubeconfig",
            "apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:"
                + server.port
                + "\n    certificate-authority: "
                + tls.resolve("ca.crt")
                + "\nusers:\n- name: u\n  user:\n    client-certificate: "
                + tls.resolve(certName + ".crt")
                + "\n    client-key: "
                + tls.resolve(certName + ".key")
                + "\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\ncurrent-context: c\n");
    return new Kubectl("1.33", config);
  }

  /** kubectl presenting only a bearer token (no client certificate, which would win). */
  private static Kubectl withToken(String name, String token) throws IOException {
    Path tls = server.dataDir.resolve("server").resolve("tls");
    Path config =
        write(
            name + ".kubeconfig",
            "apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:"
                + server.port
                + "\n    certificate-authority: "
                + tls.resolve("ca.crt")
                + "\nusers:\n- name: u\n  user:\n    token: "
                + token
                + "\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\ncurrent-context: c\n");
    return new Kubectl("1.33", config);
  }

  /** {@code kubectl auth can-i WHAT...} as {@code as} sees it (a SelfSubjectAccessReview). */
  private static String canI(Kubectl as, String... what) {
    return as.run(canIArgs(what)).out().trim();
  }

  /** The admin's {@code kubectl auth can-i} answer for {@code user} (a SubjectAccessReview). */
  private static String canI(String user, String... what) {
    String[] asUser = Arrays.copyOf(what, what.length + 2);
    asUser[what.length] = "--as";
    asUser[what.length + 1] = user;
    return kubectl.run(canIArgs(asUser)).out().trim();
  }

  private static String[] canIArgs(String... what) {
    String[] args = new String[what.length + 2];
    args[0] = "auth";
    args[1] = "can-i";
    System.arraycopy(what, 0, args, 2, what.length);
    return args;
  }

  private static String controller(String name) {
    return "system:serviceaccount:kube-system:" + name;
  }

  @Test
  void loopIdentitiesAreLimitedToTheirRoles() throws Exception {
    Kubectl controllers = as("client-controller-manager");
    Kubectl scheduler = as("client-scheduler");
    assertThat(
            controllers
                .run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
                .ok()
                .out())
        .isEqualTo("system:kube-controller-manager");
    assertThat(
            scheduler
                .run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
                .ok()
                .out())
        .isEqualTo("system:kube-scheduler");
    // What the loops need is allowed (awaited: the default bindings reach the RBAC cache through
    // its watch just after start)...
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              // The shared informers read everything; the controller manager's writes are its
              // controllers' ServiceAccounts and their tokens, and its lease.
              assertThat(canI(controllers, "watch", "pods", "-A")).isEqualTo("yes");
              assertThat(
                      canI(
                          controllers,
                          "create",
                          "serviceaccounts",
                          "--subresource=token",
                          "-n",
                          "kube-system"))
                  .isEqualTo("yes");
              assertThat(
                      canI(
                          controllers,
                          "update",
                          "leases/kuark-controller-manager",
                          "-n",
                          "kube-system"))
                  .isEqualTo("yes");
              assertThat(canI(scheduler, "create", "pods", "--subresource=binding", "-A"))
                  .isEqualTo("yes");
              // Leases are renewed with update, as upstream: no patch, and only its own lease.
              assertThat(canI(scheduler, "update", "leases/kuark-scheduler", "-n", "kube-system"))
                  .isEqualTo("yes");
            });
    assertThat(canI(scheduler, "patch", "leases", "-n", "kube-system")).isEqualTo("no");
    assertThat(canI(scheduler, "update", "leases/kuark-controller-manager", "-n", "kube-system"))
        .isEqualTo("no");
    // The controller manager user no longer holds the controllers' roles.
    assertThat(canI(controllers, "create", "pods", "-n", "x")).isEqualTo("no");
    assertThat(canI(controllers, "update", "deployments", "--subresource=status", "-A"))
        .isEqualTo("no");
    // ...and real requests outside their roles are refused with 403.
    Kubectl.Result escalate =
        controllers.run(
            "create", "clusterrolebinding", "grab", "--clusterrole=cluster-admin", "--user=me");
    assertThat(escalate.exitCode()).isNotZero();
    assertThat(escalate.err())
        .contains(
            "User \"system:kube-controller-manager\" cannot create resource \"clusterrolebindings\"");
    Kubectl.Result secrets = scheduler.run("get", "secrets", "-A");
    assertThat(secrets.exitCode()).isNotZero();
    assertThat(secrets.err())
        .contains("User \"system:kube-scheduler\" cannot list resource \"secrets\"");
    Kubectl.Result deploy = scheduler.run("create", "deployment", "x", "--image=busybox");
    assertThat(deploy.err()).contains("forbidden");
    assertThat(canI(controllers, "create", "pods", "--subresource=exec", "-n", "default"))
        .isEqualTo("no");
  }

  @Test
  void eachControllerActsAsItsOwnServiceAccount() throws Exception {
    // The server created one ServiceAccount per controller and bound its role to it alone.
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run("-n", "kube-system", "get", "serviceaccounts", "-o", "name")
                            .ok()
                            .out())
                    .contains(
                        "serviceaccount/deployment-controller",
                        "serviceaccount/replicaset-controller",
                        "serviceaccount/namespace-controller",
                        "serviceaccount/generic-garbage-collector"));
    assertThat(
            jsonpath(
                "default",
                "clusterrolebinding/system:controller:deployment-controller",
                "{.subjects[*].kind}/{.subjects[*].namespace}/{.subjects[*].name}"))
        .isEqualTo("ServiceAccount/kube-system/deployment-controller");

    // Each identity may do its own controller's work and not another's (SubjectAccessReviews).
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(
                      canI(controller("deployment-controller"), "create", "replicasets", "-n", "a"))
                  .isEqualTo("yes");
              assertThat(canI(controller("replicaset-controller"), "create", "pods", "-n", "a"))
                  .isEqualTo("yes");
            });
    assertThat(canI(controller("deployment-controller"), "create", "pods", "-n", "a"))
        .isEqualTo("no");
    assertThat(canI(controller("replicaset-controller"), "create", "replicasets", "-n", "a"))
        .isEqualTo("no");
    assertThat(canI(controller("deployment-controller"), "delete", "nodes")).isEqualTo("no");
    assertThat(canI(controller("node-controller"), "delete", "nodes")).isEqualTo("yes");
    assertThat(canI(controller("job-controller"), "create", "pods", "--subresource=binding", "-A"))
        .isEqualTo("no");

    // A real request with the deployment controller's token, outside its role: 403 by name.
    String token =
        kubectl
            .run("-n", "kube-system", "create", "token", "deployment-controller")
            .ok()
            .out()
            .trim();
    Kubectl deployments = withToken("deployment-controller", token);
    assertThat(
            deployments
                .run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
                .ok()
                .out())
        .isEqualTo(controller("deployment-controller"));
    Kubectl.Result pod = deployments.run("-n", "default", "run", "p", "--image=busybox");
    assertThat(pod.exitCode()).isNotZero();
    assertThat(pod.err())
        .contains(
            "User \"system:serviceaccount:kube-system:deployment-controller\" cannot create"
                + " resource \"pods\"");

    // A Deployment still rolls out to pods, although the controller manager user may no longer
    // create ReplicaSets or pods: the deployment and replicaset controllers' own identities did.
    kubectl.run("create", "namespace", "ident").ok();
    kubectl.run("-n", "ident", "create", "deployment", "web", "--image=kuark.local/demo:1").ok();
    await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("-n", "ident", "get", "pods", "-o", "name").ok().out())
                    .startsWith("pod/web-"));
    String metrics = kubectl.run("get", "--raw", "/metrics").ok().out();
    assertThat(metrics)
        .containsPattern(
            "kuark_controller_requests_total\\{code=\"201\",controller=\"deployment-controller\"\\} [1-9]")
        .containsPattern(
            "kuark_controller_requests_total\\{code=\"201\",controller=\"replicaset-controller\"\\} [1-9]");
  }

  @Test
  void controllerAndSchedulerQueuesAreOnMetrics() {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              String metrics = kubectl.run("get", "--raw", "/metrics").ok().out();
              assertThat(metrics)
                  .contains("# TYPE workqueue_depth gauge")
                  .contains("workqueue_depth{name=\"replicaset\"}")
                  .contains("workqueue_retries_total{name=\"deployment\"}")
                  .contains("# TYPE workqueue_work_duration_seconds histogram")
                  .contains("scheduler_pending_pods{queue=\"unschedulable\"}")
                  .contains("apiserver_request_total");
              // The namespace and service account controllers have synced the built-in namespaces.
              assertThat(metrics)
                  .containsPattern("workqueue_adds_total\\{name=\"namespace\"\\} [1-9]");
              assertThat(metrics)
                  .containsPattern(
                      "workqueue_work_duration_seconds_count\\{name=\"serviceaccount\"\\} [1-9]");
            });
  }

  @Test
  void statefulSetRollsOutWithBoundClaims() throws Exception {
    kubectl.run("create", "namespace", "sts").ok();
    kubectl
        .run(
            "apply",
            "-f",
            write(
                    "pv.yaml",
                    """
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata: {name: pv-small}
                    spec:
                      capacity: {storage: 1Gi}
                      accessModes: [ReadWriteOnce]
                      hostPath: {path: /tmp/kuark-it-pv-small}
                    ---
                    apiVersion: v1
                    kind: PersistentVolume
                    metadata: {name: pv-big}
                    spec:
                      capacity: {storage: 5Gi}
                      accessModes: [ReadWriteOnce]
                      hostPath: {path: /tmp/kuark-it-pv-big}
                    """)
                .toString())
        .ok();
    kubectl
        .run(
            "apply",
            "-f",
            write(
                    "sts.yaml",
                    """
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata: {name: web, namespace: sts}
                    spec:
                      serviceName: web
                      replicas: 2
                      selector: {matchLabels: {app: web}}
                      template:
                        metadata: {labels: {app: web}}
                        spec:
                          containers:
                          - {name: c, image: kuark.local/demo:1}
                      volumeClaimTemplates:
                      - metadata: {name: data}
                        spec:
                          accessModes: [ReadWriteOnce]
                          resources: {requests: {storage: 1Gi}}
                    """)
                .toString())
        .ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              markPodsReady("sts");
              assertThat(jsonpath("sts", "statefulset/web", "{.status.readyReplicas}"))
                  .isEqualTo("2");
            });
    Kubectl.Result done = rolloutStatus("sts", "statefulset/web");
    // The API defaults rollingUpdate.partition to 0, so kubectl reports a partitioned roll out,
    // exactly as against upstream.
    assertThat(done.out()).contains("partitioned roll out complete: 2 new pods have been updated");
    // One template, one ControllerRevision: the stored revision reads back as the same template.
    assertThat(
            kubectl.run("-n", "sts", "get", "controllerrevisions", "-o", "name").ok().out().trim())
        .startsWith("controllerrevision.apps/web-")
        .doesNotContain("\n");
    assertThat(jsonpath("sts", "pod/web-1", "{.spec.hostname}/{.spec.subdomain}"))
        .isEqualTo("web-1/web");
    // Smallest fitting volume first; the second claim gets the other one.
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(jsonpath("sts", "pvc/data-web-0", "{.status.phase}")).isEqualTo("Bound");
              assertThat(jsonpath("sts", "pvc/data-web-1", "{.status.phase}")).isEqualTo("Bound");
            });
    assertThat(jsonpath("sts", "pvc/data-web-0", "{.spec.volumeName}")).isEqualTo("pv-small");

    // A partitioned update replaces only ordinals at or above the partition.
    kubectl
        .run(
            "-n",
            "sts",
            "patch",
            "statefulset",
            "web",
            "--type=merge",
            "-p",
            "{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":1}},"
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"kuark.local/demo:2\"}]}}}}")
        .ok();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              markPodsReady("sts");
              assertThat(jsonpath("sts", "pod/web-1", "{.spec.containers[0].image}"))
                  .isEqualTo("kuark.local/demo:2");
              assertThat(jsonpath("sts", "statefulset/web", "{.status.updatedReplicas}"))
                  .isEqualTo("1");
              assertThat(jsonpath("sts", "statefulset/web", "{.status.readyReplicas}"))
                  .isEqualTo("2");
            });
    assertThat(jsonpath("sts", "pod/web-0", "{.spec.containers[0].image}"))
        .isEqualTo("kuark.local/demo:1");
    Kubectl.Result partitioned = rolloutStatus("sts", "statefulset/web");
    assertThat(partitioned.out())
        .contains("partitioned roll out complete: 1 new pods have been updated");
    assertThat(kubectl.run("-n", "sts", "rollout", "history", "statefulset/web").ok().out())
        .contains("1", "2");

    // Scale down removes the highest ordinal; its claim is retained (Retain is the default).
    kubectl.run("-n", "sts", "scale", "statefulset", "web", "--replicas=1").ok();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("-n", "sts", "get", "pods", "-o", "name").ok().out().trim())
                    .isEqualTo("pod/web-0"));
    assertThat(jsonpath("sts", "pvc/data-web-1", "{.status.phase}")).isEqualTo("Bound");
  }
}
