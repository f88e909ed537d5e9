package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.sqlite.SqliteStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real kuark-server with encryption at rest, driven by real kubectl: ResourceQuota usage kept by
 * the quota controller ({@code kubectl describe quota}), refused creates, usage released on
 * deletion; secrets absent from the data directory in plaintext, and a key rotation that the next
 * start applies to every secret.
 */
class AdmissionServerIT {
  static final String MARKER = "tr0ub4dor-and-3";
  static Path dir;
  static Path encryption;
  static ServerProcess server;
  static Kubectl kubectl;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("kuark-admission-it");
    encryption = dir.resolve("encryption.yaml");
    Files.writeString(
        encryption,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets]\n  providers:\n  - aesgcm:\n      keys:\n"
            + "      - name: first\n        secret: "
            + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes())
            + "\n  - identity: {}\n");
    port = ServerProcess.freePort();
    server = startServer();
    kubectl = new Kubectl("1.33", server.kubeconfig);
  }

  static ServerProcess startServer() {
    return new ServerProcess(
        dir.resolve("data"),
        dir.resolve("etc/kuark.yaml"),
        port,
        List.of("--encryption-provider-config", encryption.toString()));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String used(String ns, String resource) {
    return kubectl
        .run("-n", ns, "get", "quota", "q", "-o", "jsonpath={.status.used." + resource + "}")
        .out();
  }

  @Test
  void quotaUsageIsTrackedChargedAndReleased() {
    kubectl.run("create", "namespace", "quota").ok();
    kubectl.run("-n", "quota", "create", "quota", "q", "--hard=pods=2,count/configmaps=20").ok();
    await().atMost(Duration.ofMinutes(2)).until(() -> used("quota", "pods").equals("0"));
    for (String name : new String[] {"a", "b"}) {
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  kubectl
                      .run("-n", "quota", "run", name, "--image=busybox", "--restart=Never")
                      .ok());
    }
    Kubectl.Result third =
        kubectl.run("-n", "quota", "run", "c", "--image=busybox", "--restart=Never");
    assertThat(third.exitCode()).isNotZero();
    assertThat(third.err())
        .contains(
            "pods \"c\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2,"
                + " limited: pods=2");
    String describe = kubectl.run("-n", "quota", "describe", "quota", "q").ok().out();
    assertThat(describe).containsPattern("pods\\s+2\\s+2");
    kubectl.run("-n", "quota", "delete", "pod", "a", "--grace-period=0", "--force").ok();
    await().atMost(Duration.ofMinutes(2)).until(() -> used("quota", "pods").equals("1"));
    kubectl.run("-n", "quota", "run", "c", "--image=busybox", "--restart=Never").ok();
  }

  /**
   * What {@code kuark secrets-encrypt rotate} does against a running server: rotate the file, then
   * {@code kubectl create --raw} the reload endpoint as the admin; every secret is rewritten with
   * the new key without a restart.
   */
  @Test
  void rotationIsAppliedOnlineThroughTheReloadEndpoint() throws Exception {
    kubectl.run("create", "secret", "generic", "online", "--from-literal=password=" + MARKER).ok();
    assertThat(
            SecretsEncryptMain.run(
                new String[] {"rotate", "--encryption-provider-config", encryption.toString()}))
        .isZero();
    String newKey =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(encryption.toFile())
            .at("/resources/0/providers/0/aesgcm/keys/0/name")
            .asText();
    String answer =
        kubectl
            .run("create", "--raw", "/kuark/v1/secrets-encrypt/reload", "-f", "/dev/null")
            .ok()
            .out();
    assertThat(answer).contains("\"status\":\"Success\"").contains("\"unreadable\":0");
    assertThat(kubectl.run("get", "secret", "online", "-o", "jsonpath={.data.password}").ok().out())
        .isEqualTo(Base64.getEncoder().encodeToString(MARKER.getBytes(StandardCharsets.UTF_8)));
    server.close();
    try (SqliteStorage raw =
        SqliteStorage.open(dir.resolve("data").resolve("server/db/state.db"))) {
      for (KeyValue kv : raw.list("/registry/core/secrets/", 0, null, 0).items()) {
        assertThat(new String(kv.value(), StandardCharsets.ISO_8859_1))
            .as(kv.key())
            .startsWith("k8s:enc:aesgcm:v1:" + newKey + ":");
      }
    } finally {
      server = startServer();
    }
  }

  @Test
  void secretsAreEncryptedAtRestAndRotationRewritesThem() throws Exception {
    kubectl.run("create", "secret", "generic", "s", "--from-literal=password=" + MARKER).ok();
    assertThat(kubectl.run("get", "secret", "s", "-o", "jsonpath={.data.password}").ok().out())
        .isEqualTo(Base64.getEncoder().encodeToString(MARKER.getBytes(StandardCharsets.UTF_8)));
    assertThat(
            SecretsEncryptMain.run(
                new String[] {"rotate", "--encryption-provider-config", encryption.toString()}))
        .isZero();
    String newKey =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readTree(encryption.toFile())
            .at("/resources/0/providers/0/aesgcm/keys/0/name")
            .asText();
    assertThat(newKey).startsWith("key-");
    server.close();
    String onDisk = contents(dir.resolve("data"));
    assertThat(onDisk)
        .doesNotContain(MARKER)
        .doesNotContain(
            Base64.getEncoder().encodeToString(MARKER.getBytes(StandardCharsets.UTF_8)));
    // The restart rewrites every secret with the rotated-in key.
    server = startServer();
    assertThat(kubectl.run("get", "secret", "s", "-o", "jsonpath={.data.password}").ok().out())
        .isEqualTo(Base64.getEncoder().encodeToString(MARKER.getBytes(StandardCharsets.UTF_8)));
    server.close();
    try (SqliteStorage raw =
        SqliteStorage.open(dir.resolve("data").resolve("server/db/state.db"))) {
      KeyValue kv = raw.get("/registry/core/secrets/default/s").orElseThrow();
      assertThat(new String(kv.value(), StandardCharsets.ISO_8859_1))
          .startsWith("k8s:enc:aesgcm:v1:" + newKey + ":");
    }
    server = startServer();
  }

  /** Every file under {@code root}, concatenated. */
  static String contents(Path root) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          all.write(Files.readAllBytes(f));
        }
      }
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }
}
