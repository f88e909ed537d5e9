package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node join end to end through the launcher: the agent joins with {@code --server} and the server's
 * join token (CA pinned by the token's hash, node client and serving certificates through approved
 * CSRs) and then runs a pod that reads a Secret and a ConfigMap with node credentials only; the
 * node's kubeconfig cannot read other secrets; a token with a wrong CA hash is refused with a clear
 * error; {@code kuark token create} mints tokens the server accepts; {@code kuark certificate
 * rotate} moves the server's leaf certificates aside.
 */
class NodeJoinIT {

  static SingleNodeCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        SingleNodeCluster.start("NodeJoinIT", "10.231.0.0/16", "10.232.0.0/16", List.of(), true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void joinedAgentRunsPodsWithNodeCredentialsOnly() throws Exception {
    Kubectl kubectl = cluster.kubectl;
    String node = cluster.agent.nodeName();
    assertThat(kubectl.ok("get", "nodes")).contains(node);
    String csrs =
        kubectl.ok(
            "get",
            "csr",
            "-o",
            "custom-columns=SIGNER:.spec.signerName,USER:.spec.username,COND:.status.conditions[*].type");
    assertThat(csrs)
        .contains("kubernetes.io/kube-apiserver-client-kubelet", "system:bootstrap:")
        .contains("kubernetes.io/kubelet-serving", "system:node:" + node)
        .contains("Approved");
    Path nodeKubeconfig = cluster.agent.dataDir().resolve("agent/kubeconfig.yaml");
    assertThat(Files.readString(nodeKubeconfig)).contains("client-certificate-data");
    Kubectl asNode =
        new Kubectl(
            Kubectl.binary("default"), nodeKubeconfig, cluster.processes.newDir("kubectl-node"));
    assertThat(asNode.ok("auth", "whoami"))
        .contains("system:node:" + node)
        .contains("system:nodes");

    kubectl.ok("create", "secret", "generic", "app-secret", "--from-literal=password=s3cret");
    kubectl.ok("create", "secret", "generic", "other-secret", "--from-literal=password=nope");
    kubectl.ok("create", "configmap", "app-config", "--from-literal=greeting=hello-join");
    kubectl.runWithStdin(
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Pod",
            "metadata: {name: joined}",
            "spec:",
            "  containers:",
            "  - name: app",
            "    image: kuark.local/demo:latest",
            "    env:",
            "    - name: PASSWORD",
            "      valueFrom: {secretKeyRef: {name: app-secret, key: password}}",
            "    volumeMounts: [{name: cfg, mountPath: /cfg}]",
            "  volumes:",
            "  - name: cfg",
            "    configMap: {name: app-config}",
            ""),
        "apply",
        "-f",
        "-");
    await("the pod runs on the joined node")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> kubectl.run("get", "pod", "joined", "-o", "jsonpath={.status.phase}").stdout(),
            "Running"::equals);
    // exec goes through the agent API, now serving a CA-signed certificate.
    assertThat(kubectl.ok("exec", "joined", "--", "cat", "/cfg/greeting")).contains("hello-join");
    // A changed ConfigMap reaches the running container's volume (the agent's periodic sync swaps
    // the volume's ..data link), without a restart.
    kubectl.ok(
        "patch", "configmap", "app-config", "-p", "{\"data\":{\"greeting\":\"hello-again\"}}");
    await("the changed ConfigMap reaches the running container")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> kubectl.run("exec", "joined", "--", "cat", "/cfg/greeting").stdout().strip(),
            "hello-again"::equals);
    assertThat(kubectl.ok("exec", "joined", "--", "ls", "-a", "/cfg")).contains("..data");
    assertThat(
            kubectl
                .ok(
                    "get",
                    "pod",
                    "joined",
                    "-o",
                    "jsonpath={.status.containerStatuses[0].restartCount}")
                .strip())
        .isEqualTo("0");
    assertThat(kubectl.ok("exec", "joined", "--", "sh", "-c", "echo $PASSWORD")).contains("s3cret");
    assertThat(
            kubectl.ok(
                "exec", "joined", "--", "ls", "/var/run/secrets/kubernetes.io/serviceaccount"))
        .contains("token");

    Kubectl.Result secret = asNode.run("get", "secret", "other-secret");
    assertThat(secret.exitCode()).isNotZero();
    assertThat(secret.stderr()).contains("Forbidden");
    assertThat(asNode.run("get", "secret", "app-secret").exitCode()).isZero();
    Kubectl.Result patch = asNode.run("label", "node", node, "node-restriction.kubernetes.io/x=y");
    assertThat(patch.stderr()).contains("Forbidden");
    // The agent finishes the deletion of its own pod with node credentials.
    kubectl.ok("delete", "pod", "joined", "--wait=true", "--timeout=120s");
  }

  @Test
  void wrongCaHashIsRefusedAndMintedTokensWork() throws Exception {
    String serverToken = Files.readString(cluster.server.dataDir().resolve("server/token")).strip();
    String hash = serverToken.substring(3, 67);
    String flipped = (hash.charAt(0) == 'a' ? "b" : "a") + hash.substring(1);
    String badToken = "K10" + flipped + serverToken.substring(67);
    ManagedProcess bad =
        cluster.processes.launch(
            "agent-bad-hash",
            List.of(
                "agent",
                "--server",
                cluster.server.url(),
                "--token",
                badToken,
                "--node-name",
                "intruder",
                "--node-ip",
                "127.0.0.1",
                "--data-dir",
                cluster.processes.newDir("bad-agent").toString()));
    assertThat(bad.awaitExit(Duration.ofMinutes(2))).isNotZero();
    assertThat(bad.output())
        .contains("does not match the join token")
        .contains(flipped)
        .contains(hash);
    assertThat(cluster.kubectl.ok("get", "nodes")).doesNotContain("intruder");

    String minted =
        HostCommands.exec(
                cluster.processes.repo().launcher().toString(),
                "token",
                "create",
                "--ttl",
                "1h",
                "--kubeconfig",
                cluster.server.kubeconfig().toString())
            .strip();
    minted = minted.substring(minted.lastIndexOf('\n') + 1);
    assertThat(minted)
        .startsWith("K10" + hash + "::")
        .matches("K10[0-9a-f]{64}::[a-z0-9]{6}\\.[a-z0-9]{16}");
    String id = minted.substring(69, 75);
    String expiration =
        cluster.kubectl.ok(
            "get",
            "secret",
            "-n",
            "kube-system",
            "bootstrap-token-" + id,
            "-o",
            "jsonpath={.data.expiration}");
    assertThat(new String(java.util.Base64.getDecoder().decode(expiration)))
        .matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    // The minted bootstrap token authenticates (bootstrappers may list CSRs, nothing else).
    String admin = Files.readString(cluster.server.kubeconfig());
    java.util.regex.Matcher ca =
        java.util.regex.Pattern.compile("certificate-authority-data: (\\S+)").matcher(admin);
    assertThat(ca.find()).isTrue();
    Path tokenConfig = cluster.processes.newDir("token-kubeconfig").resolve("config");
    Files.writeString(
        tokenConfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: c, cluster: {server: '"
                + cluster.server.url()
                + "', certificate-authority-data: "
                + ca.group(1)
                + "}}]",
            "users: [{name: u, user: {token: '" + minted.substring(69) + "'}}]",
            "contexts: [{name: x, context: {cluster: c, user: u}}]",
            "current-context: x",
            ""));
    Kubectl asBootstrap =
        new Kubectl(
            Kubectl.binary("default"), tokenConfig, cluster.processes.newDir("kubectl-boot"));
    Kubectl.Result csrs = asBootstrap.run("get", "csr");
    assertThat(csrs.exitCode()).as(csrs.stderr()).isZero();
    Kubectl.Result pods = asBootstrap.run("get", "pods");
    assertThat(pods.stderr()).contains("Forbidden");
  }

  @Test
  void certificateRotateMovesTheLeafCertificatesAside() throws Exception {
    // On a copy of the server's TLS directory: the running server keeps its own.
    Path copy = cluster.processes.newDir("rotate-copy");
    Path tls = Files.createDirectories(copy.resolve("server/tls"));
    for (String f :
        List.of(
            "ca.crt",
            "ca.key",
            "serving.crt",
            "serving.key",
            "client-admin.crt",
            "client-admin.key")) {
      Files.copy(cluster.server.dataDir().resolve("server/tls").resolve(f), tls.resolve(f));
    }
    HostCommands.exec(
        cluster.processes.repo().launcher().toString(),
        "certificate",
        "rotate",
        "--data-dir",
        copy.toString());
    assertThat(tls.resolve("ca.crt")).exists();
    assertThat(tls.resolve("ca.key")).exists();
    assertThat(tls.resolve("serving.crt")).doesNotExist();
    assertThat(tls.resolve("client-admin.key")).doesNotExist();
    try (var rotated = Files.list(tls)) {
      Path backup =
          rotated
              .filter(p -> p.getFileName().toString().startsWith("rotated-"))
              .findFirst()
              .orElseThrow();
      assertThat(backup.resolve("serving.crt")).exists();
    }
  }
}
