package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kubectl and a real kuark-server: {@code kubectl create token}, a kubeconfig with that token,
 * {@code kubectl auth whoami}, {@code kubectl auth can-i [--list] [--as]} and the Forbidden output
 * of a request the service account's Role does not allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityKubectlIT {

  private KuarkProcesses processes;
  private KuarkProcesses.Server server;

  @BeforeAll
  void startServer() throws InterruptedException {
    processes = new KuarkProcesses(getClass().getSimpleName());
    server = processes.startServer(java.util.List.of("--storage", "embedded"));
  }

  @AfterAll
  void stopServer() throws Exception {
    if (processes != null) {
      processes.close();
    }
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.28", "1.33"})
  void serviceAccountTokenSeesExactlyItsRole(String version) throws Exception {
    String ns = "sec-" + version.replace('.', '-');
    Kubectl admin =
        new Kubectl(
            Kubectl.binary(version),
            server.kubeconfig(),
            processes.newDir("cache-admin-" + version));
    admin.ok("create", "namespace", ns);
    admin.ok("create", "serviceaccount", "robot", "-n", ns);
    admin.ok("create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods", "-n", ns);
    admin.ok(
        "create",
        "rolebinding",
        "robot-reads",
        "--role=pod-reader",
        "--serviceaccount=" + ns + ":robot",
        "-n",
        ns);
    String token = admin.ok("create", "token", "robot", "-n", ns, "--duration=1h").trim();
    assertThat(token.split("\\.")).hasSize(3);

    Path kubeconfig = processes.newDir("robot-" + version).resolve("kubeconfig.yaml");
    Files.copy(server.kubeconfig(), kubeconfig);
    Kubectl robot =
        new Kubectl(
            Kubectl.binary(version), kubeconfig, processes.newDir("cache-robot-" + version));
    robot.ok("config", "set-credentials", "robot", "--token=" + token);
    robot.ok("config", "set-context", "--current", "--user=robot");

    assertThat(robot.ok("auth", "whoami")).contains("system:serviceaccount:" + ns + ":robot");
    assertThat(robot.ok("auth", "whoami", "-o", "json")).contains("system:serviceaccounts:" + ns);

    // The binding reaches the authorizer's cache shortly after it is written.
    Kubectl.Result list = robot.run("get", "pods", "-n", ns);
    for (int i = 0; i < 100 && !list.ok(); i++) {
      Thread.sleep(100);
      list = robot.run("get", "pods", "-n", ns);
    }
    assertThat(list.ok()).as(list.toString()).isTrue();
    assertThat(list.stderr()).contains("No resources found in " + ns + " namespace.");

    Kubectl.Result forbidden = robot.run("get", "pods", "-n", "default");
    assertThat(forbidden.exitCode()).isEqualTo(1);
    assertThat(forbidden.stderr())
        .contains(
            "Error from server (Forbidden): pods is forbidden: User"
                + " \"system:serviceaccount:"
                + ns
                + ":robot\" cannot list resource \"pods\" in API"
                + " group \"\" in the namespace \"default\"");

    assertThat(robot.ok("auth", "can-i", "list", "pods", "-n", ns).trim()).isEqualTo("yes");
    Kubectl.Result no = robot.run("auth", "can-i", "delete", "pods", "-n", ns);
    assertThat(no.exitCode()).isEqualTo(1);
    assertThat(no.stdout().trim()).isEqualTo("no");

    String rules = robot.ok("auth", "can-i", "--list", "-n", ns);
    assertThat(rules.lines().findFirst().orElse("")).contains("Resources", "Verbs");
    assertThat(rules).containsPattern("(?m)^pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]\\s*$");
    assertThat(rules)
        .containsPattern(
            "(?m)^selfsubjectaccessreviews\\.authorization\\.k8s\\.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]");
    assertThat(rules).doesNotContain("secrets");

    assertThat(
            admin
                .ok(
                    "auth",
                    "can-i",
                    "list",
                    "pods",
                    "-n",
                    ns,
                    "--as=system:serviceaccount:" + ns + ":robot")
                .trim())
        .isEqualTo("yes");
    Kubectl.Result asRobot =
        admin.run(
            "auth",
            "can-i",
            "list",
            "secrets",
            "-n",
            ns,
            "--as=system:serviceaccount:" + ns + ":robot");
    assertThat(asRobot.stdout().trim()).isEqualTo("no");
    assertThat(admin.ok("auth", "can-i", "*", "*").trim()).isEqualTo("yes");
  }
}
