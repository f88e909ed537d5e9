package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl logs}, {@code exec}, {@code port-forward}, {@code cp}, {@code run -i} (attach with
 * stdin) and {@code run -it --rm} (a terminal) against pods of the demo image, through the API
 * server's pod subresources to the agent API, with an old kubectl (1.27: SPDY for exec, attach and
 * port-forward) and a new one (1.33: WebSocket exec and attach, WebSocket-tunnelled port-forward).
 * Runs under the host lock (real agent, pod network on the host).
 */
class PodStreamingIT {
  private static final String CLUSTER_CIDR = "10.205.0.0/16";
  private static final String SERVICE_CIDR = "10.206.0.0/16";
  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: kuark.local/demo:latest
          command:
          - sh
          - -c
          - echo hello-1; echo hello-2; echo hello-3; (while sleep 1; do echo tick; done) & exec httpd -f -p 8080 -h /www
      """;

  private SingleNodeCluster cluster;
  private Path kubeconfig;
  private final List<Process> kubectlProcesses = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    CleanUpSteps steps = new CleanUpSteps();
    for (Process process : kubectlProcesses) {
      steps.run(() -> process.destroyForcibly().waitFor());
    }
    if (cluster != null) {
      steps.run(cluster::close);
    }
    steps.throwFirst();
  }

  @Test
  void logsExecPortForwardAndCopyWithOldAndNewKubectl() throws Exception {
    cluster =
        SingleNodeCluster.start(getClass().getSimpleName(), CLUSTER_CIDR, SERVICE_CIDR, List.of());
    kubeconfig = cluster.server.kubeconfig();
    Kubectl admin = cluster.kubectl;
    admin.runWithStdin(POD, "apply", "-f", "-");
    await("pod web Running")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                admin
                    .run("get", "pod", "web", "-o", "jsonpath={.status.phase}")
                    .stdout()
                    .equals("Running"));

    for (String version : List.of("1.27", "1.33")) {
      Kubectl kubectl =
          new Kubectl(
              Kubectl.binary(version),
              cluster.server.kubeconfig(),
              cluster.processes.newDir("kubectl-" + version));
      logs(kubectl);
      exec(kubectl);
      portForward(kubectl);
      copy(kubectl, version);
      runInteractively(kubectl, version);
      runWithTerminal(kubectl, version);
    }
    agentApiAuthorizesTokensThroughTheApiServer(admin);
    statsSummaryThroughNodesProxy(admin);
    admin.ok("delete", "pod", "web");
    await("pod web gone")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> admin.ok("get", "pods", "-o", "json").contains("\"items\": []"));
  }

  private void logs(Kubectl kubectl) throws Exception {
    String all =
        await("the first lines in the logs")
            .atMost(Duration.ofSeconds(30))
            .until(() -> kubectl.ok("logs", "web"), out -> out.contains("hello-3"));
    assertThat(all).startsWith("hello-1\nhello-2\nhello-3\n");
    assertThat(kubectl.ok("logs", "web", "--tail=1").split("\n")).hasSize(1);
    Kubectl.Result wrong = kubectl.run("logs", "web", "-c", "nope");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.stderr()).contains("container nope is not valid for pod web");

    // -f: the lines already there, then lines the container writes later (a tick a second).
    long before = kubectl.ok("logs", "web").lines().count();
    Process follow = start(kubectl, "logs", "-f", "web");
    BlockingQueue<String> lines = lines(follow);
    assertThat(lines.poll(60, TimeUnit.SECONDS)).isEqualTo("hello-1");
    for (long i = 1; i < before + 2; i++) {
      assertThat(lines.poll(60, TimeUnit.SECONDS))
          .as("kubectl logs -f keeps streaming")
          .isNotNull();
    }
    follow.destroy();
  }

  private void exec(Kubectl kubectl) {
    Kubectl.Result result =
        kubectl.run("exec", "web", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).contains("err\n");

    Kubectl.Result withStdin =
        kubectl.runWithStdin("line one\nline two\n", "exec", "-i", "web", "--", "cat");
    assertThat(withStdin.exitCode()).as(withStdin.toString()).isZero();
    assertThat(withStdin.stdout()).isEqualTo("line one\nline two\n");
  }

  private void portForward(Kubectl kubectl) throws Exception {
    int localPort = FreePorts.next();
    Process forward =
        start(kubectl, "port-forward", "--address", "127.0.0.1", "pod/web", localPort + ":8080");
    BlockingQueue<String> lines = lines(forward);
    String first = lines.poll(60, TimeUnit.SECONDS);
    assertThat(first).as("port-forward output").contains("Forwarding from 127.0.0.1:" + localPort);
    for (int i = 0; i < 3; i++) {
      String page =
          await("the demo page through port-forward")
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> httpGet("http://127.0.0.1:" + localPort + "/"), Objects::nonNull);
      assertThat(page).contains("Hello from Kuark");
    }
    forward.destroy();
    forward.waitFor(30, TimeUnit.SECONDS);
  }

  private void copy(Kubectl kubectl, String version) throws Exception {
    Path local = cluster.processes.newDir("cp-" + version);
    Path upload = local.resolve("upload.txt");
    Files.writeString(upload, "copied with kubectl " + version + "\n");
    kubectl.ok("cp", upload.toString(), "web:/tmp/upload-" + version + ".txt");
    assertThat(kubectl.ok("exec", "web", "--", "cat", "/tmp/upload-" + version + ".txt"))
        .isEqualTo("copied with kubectl " + version + "\n");
    Path download = local.resolve("index.html");
    kubectl.ok("cp", "web:/www/index.html", download.toString());
    assertThat(Files.readString(download)).contains("Hello from Kuark");
  }

  /** {@code kubectl run -i}: a stdinOnce pod reads what kubectl sends, then sees EOF. */
  private void runInteractively(Kubectl kubectl, String version) {
    String name = "reader-" + version.replace('.', '-');
    Kubectl.Result result =
        kubectl.runWithStdin(
            "first\nsecond\n",
            "run",
            name,
            "-i",
            "--rm",
            "--restart=Never",
            "--image=kuark.local/demo:latest",
            "--",
            "sh",
            "-c",
            "while read x; do echo got $x; done; echo eof");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains("got first\ngot second\neof\n");
  }

  /**
   * {@code kubectl run -it --rm}: a {@code tty: true} pod's shell in a 100x30 terminal. kubectl
   * waits for the pod to run and attaches the moment it sees Running (the agent must find the
   * container then); typed commands run in the container's terminal, the client's size reaches it,
   * {@code exit 3} ends the session, the pod is deleted and kubectl exits with the shell's code, as
   * upstream's does.
   */
  private void runWithTerminal(Kubectl kubectl, String version) throws Exception {
    String name = "shell-" + version.replace('.', '-');
    try (KubectlTerminal terminal =
        KubectlTerminal.start(
            kubectl,
            kubeconfig,
            100,
            30,
            List.of(
                "run",
                name,
                "-it",
                "--rm",
                "--restart=Never",
                "--image=kuark.local/demo:latest",
                // The default (1m) is short for a loaded CI machine; the pod start is not the test.
                "--pod-running-timeout=4m",
                "--",
                "sh"))) {
      // Printed when the attach starts; what is typed from now on reaches the shell.
      terminal.awaitOutput("If you don't see a command prompt", 0, Duration.ofMinutes(5));
      int mark = terminal.mark();
      terminal.type("echo hi-$((6*7))\r");
      terminal.awaitOutput("hi-42\r\n", mark, Duration.ofMinutes(2));
      // The size reaches the container's terminal asynchronously (runc copies it on SIGWINCH):
      // asked again until it shows, never assumed after a delay.
      await("the client's terminal size in the pod's terminal")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                if (terminal.output().contains("30 100\r\n")) {
                  return true;
                }
                terminal.type("stty size\r");
                return false;
              });
      mark = terminal.mark();
      terminal.type("exit 3\r");
      int exitCode = terminal.awaitExit(Duration.ofMinutes(3));
      assertThat(exitCode).as(terminal.output()).isEqualTo(3);
      assertThat(terminal.output().substring(mark)).contains("pod \"" + name + "\" deleted");
    }
    await("pod " + name + " gone after --rm")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl.run("get", "pod", name).stderr().contains("NotFound"));
  }

  /**
   * The agent API takes bearer tokens the API server vouches for and asks it per request: a
   * ServiceAccount bound to nodes/stats and nodes/metrics gets those and nothing else; another gets
   * 403, a forged token 401.
   */
  private void agentApiAuthorizesTokensThroughTheApiServer(Kubectl admin) throws Exception {
    admin.runWithStdin(
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: scraper, namespace: default}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: nobody, namespace: default}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: node-scraper}
        rules:
        - apiGroups: [""]
          resources: [nodes/stats, nodes/metrics]
          verbs: [get]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: node-scraper}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-scraper}
        subjects:
        - {kind: ServiceAccount, name: scraper, namespace: default}
        """,
        "apply",
        "-f",
        "-");
    String port =
        admin.ok(
            "get",
            "nodes",
            "-o",
            "jsonpath={.items[0].status.daemonEndpoints.kubeletEndpoint.Port}");
    String base = "https://127.0.0.1:" + port;
    String scraper = admin.ok("create", "token", "scraper").trim();
    String nobody = admin.ok("create", "token", "nobody").trim();
    assertThat(curl(base + "/stats/summary", scraper)).startsWith("200 ");
    assertThat(curl(base + "/metrics", scraper))
        .startsWith("200 ")
        .contains("kubelet_running_pods");
    assertThat(curl(base + "/healthz", scraper))
        .isEqualTo(
            "403 Forbidden (user=system:serviceaccount:default:scraper, verb=get, resource=nodes,"
                + " subresource=proxy)");
    assertThat(curl(base + "/stats/summary", nobody)).startsWith("403 ");
    assertThat(curl(base + "/stats/summary", "forged-token")).isEqualTo("401 Unauthorized");
    assertThat(curl(base + "/healthz", null)).isEqualTo("401 Unauthorized");
  }

  /** {@code kubectl get --raw /api/v1/nodes/N/proxy/stats/summary} shows the running pod. */
  private void statsSummaryThroughNodesProxy(Kubectl admin) throws Exception {
    String node = admin.ok("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}");
    com.fasterxml.jackson.databind.JsonNode summary =
        await("a summary with CPU rates")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(2))
            .until(
                () ->
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(
                            admin.ok(
                                "get", "--raw", "/api/v1/nodes/" + node + "/proxy/stats/summary")),
                s -> s.path("node").path("cpu").has("usageNanoCores"));
    assertThat(summary.path("node").path("nodeName").asText()).isEqualTo(node);
    assertThat(summary.path("node").path("memory").path("workingSetBytes").asLong()).isPositive();
    com.fasterxml.jackson.databind.JsonNode web = null;
    for (com.fasterxml.jackson.databind.JsonNode pod : summary.path("pods")) {
      if (pod.path("podRef").path("name").asText().equals("web")) {
        web = pod;
      }
    }
    assertThat(web).as(summary.toString()).isNotNull();
    com.fasterxml.jackson.databind.JsonNode app = web.path("containers").get(0);
    assertThat(app.path("name").asText()).isEqualTo("app");
    assertThat(app.path("cpu").path("usageCoreNanoSeconds").asLong()).isPositive();
    assertThat(app.path("memory").path("workingSetBytes").asLong()).isPositive();
    assertThat(web.path("ephemeral-storage").path("usedBytes").asLong()).isPositive();
    assertThat(admin.ok("get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics"))
        .contains("kubelet_runtime_operations_total{operation_type=\"start_container\"}");
  }

  /** {@code <status> <body>} of a GET to the agent API (self-signed: not verified). */
  private static String curl(String url, String token) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sk", "-w", "\n%{http_code}", url));
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    int newline = out.lastIndexOf('\n');
    return out.substring(newline + 1).trim() + " " + out.substring(0, newline).trim();
  }

  private Process start(Kubectl kubectl, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(kubectl.binary().toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("KUBECONFIG");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process process = builder.start();
    kubectlProcesses.add(process);
    return process;
  }

  /** The process's output lines, as they come. */
  private static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
            },
            "kubectl-lines");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String httpGet(String url) throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return response.statusCode() == 200 ? response.body() : null;
  }
}
