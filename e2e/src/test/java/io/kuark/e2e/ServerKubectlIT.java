package io.kuark.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kubectl (the oldest and the newest supported minor version) against a real kuark-server on
 * the embedded store: discovery, create, get as JSON/YAML/table, apply twice, delete. {@link
 * ServerKubectlEtcdIT} runs the same against etcd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerKubectlIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KuarkProcesses processes;
  private KuarkProcesses.Server server;

  /** Storage flags of the server under test. */
  protected List<String> storageFlags(KuarkProcesses processes) throws InterruptedException {
    return List.of("--storage", "embedded");
  }

  @BeforeAll
  void startServer() throws InterruptedException {
    processes = new KuarkProcesses(getClass().getSimpleName());
    server = processes.startServer(storageFlags(processes));
  }

  @AfterAll
  void stopServer() throws Exception {
    if (processes != null) {
      processes.close();
    }
  }

  private Kubectl kubectl(String version) {
    return new Kubectl(
        Kubectl.binary(version), server.kubeconfig(), processes.newDir("kubectl-cache-" + version));
  }

  private static String namespaceFor(String test, String version) {
    return test + "-" + version.replace('.', '-');
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void apiResourcesListsBuiltInKinds(String version) {
    String out = kubectl(version).ok("api-resources");

    assertThat(out.lines().findFirst().orElse("")).contains("NAME", "SHORTNAMES", "KIND");
    assertThat(out)
        .containsPattern("(?m)^namespaces\\s+ns\\s+v1\\s+false\\s+Namespace\\s*$")
        .containsPattern("(?m)^configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap\\s*$")
        .containsPattern("(?m)^pods\\s+po\\s+v1\\s+true\\s+Pod\\s*$")
        .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s*$");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void createGetAndDeleteConfigMap(String version) throws Exception {
    Kubectl kubectl = kubectl(version);
    String ns = namespaceFor("crud", version);

    assertThat(kubectl.ok("create", "namespace", ns)).contains("namespace/" + ns + " created");
    assertThat(kubectl.ok("create", "configmap", "settings", "-n", ns, "--from-literal=color=blue"))
        .contains("configmap/settings created");

    JsonNode json =
        JSON.readTree(kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "json"));
    assertThat(json.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(json.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(json.path("metadata").path("name").asText()).isEqualTo("settings");
    assertThat(json.path("metadata").path("namespace").asText()).isEqualTo(ns);
    assertThat(json.path("metadata").path("uid").asText()).isNotEmpty();
    assertThat(json.path("metadata").path("resourceVersion").asText()).isNotEmpty();
    assertThat(json.path("metadata").path("creationTimestamp").asText()).isNotEmpty();
    assertThat(json.path("data").path("color").asText()).isEqualTo("blue");

    String yaml = kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "yaml");
    assertThat(yaml)
        .contains("kind: ConfigMap")
        .contains("color: blue")
        .contains("name: settings")
        .contains("namespace: " + ns);

    String table = kubectl.ok("get", "configmaps", "-n", ns);
    assertThat(table).containsPattern("(?m)^NAME\\s+DATA\\s+AGE\\s*$");
    assertThat(table).containsPattern("(?m)^settings\\s+1\\s+\\S+\\s*$");

    assertThat(kubectl.ok("delete", "configmap", "settings", "-n", ns))
        .contains("configmap \"settings\" deleted");
    Kubectl.Result gone = kubectl.run("get", "configmap", "settings", "-n", ns);
    assertThat(gone.exitCode()).as(gone.toString()).isNotZero();
    assertThat(gone.stderr()).contains("NotFound").contains("\"settings\" not found");

    assertThat(kubectl.ok("delete", "namespace", ns, "--wait=false"))
        .contains("namespace \"" + ns + "\" deleted");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void applyTwiceIsIdempotent(String version) throws Exception {
    Kubectl kubectl = kubectl(version);
    String ns = namespaceFor("apply", version);
    kubectl.ok("create", "namespace", ns);
    String manifest =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: applied
          namespace: %s
          labels:
            app: e2e
        data:
          greeting: %s
        """;

    assertThat(apply(kubectl, manifest.formatted(ns, "hello")))
        .contains("configmap/applied created");
    String resourceVersion = resourceVersion(kubectl, ns);
    assertThat(apply(kubectl, manifest.formatted(ns, "hello")))
        .contains("configmap/applied unchanged");
    assertThat(resourceVersion(kubectl, ns)).isEqualTo(resourceVersion);

    assertThat(apply(kubectl, manifest.formatted(ns, "bonjour")))
        .contains("configmap/applied configured");
    JsonNode json =
        JSON.readTree(kubectl.ok("get", "configmap", "applied", "-n", ns, "-o", "json"));
    assertThat(json.path("data").path("greeting").asText()).isEqualTo("bonjour");
    assertThat(json.path("metadata").path("labels").path("app").asText()).isEqualTo("e2e");
    assertThat(
            json.path("metadata")
                .path("annotations")
                .path("kubectl.kubernetes.io/last-applied-configuration")
                .asText())
        .contains("bonjour");
    assertThat(json.path("metadata").path("resourceVersion").asText())
        .isNotEqualTo(resourceVersion);

    assertThat(kubectl.ok("delete", "configmap", "applied", "-n", ns))
        .contains("configmap \"applied\" deleted");
    kubectl.ok("delete", "namespace", ns, "--wait=false");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void serverSideApplyConflictsBetweenFieldManagers(String version) throws Exception {
    Kubectl kubectl = kubectl(version);
    String ns = namespaceFor("ssa", version);
    kubectl.ok("create", "namespace", ns);
    String manifest =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: shared
          namespace: %s
        data:
          color: %s
        """;
    Kubectl.Result first =
        kubectl.runWithStdin(
            manifest.formatted(ns, "blue"),
            "apply",
            "--server-side",
            "--field-manager=team-a",
            "-f",
            "-");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    // Same value from another manager: shared ownership, no conflict.
    Kubectl.Result same =
        kubectl.runWithStdin(
            manifest.formatted(ns, "blue"),
            "apply",
            "--server-side",
            "--field-manager=team-c",
            "-f",
            "-");
    assertThat(same.exitCode()).as(same.toString()).isZero();

    Kubectl.Result conflict =
        kubectl.runWithStdin(
            manifest.formatted(ns, "red"),
            "apply",
            "--server-side",
            "--field-manager=team-b",
            "-f",
            "-");
    assertThat(conflict.exitCode()).as(conflict.toString()).isNotZero();
    assertThat(conflict.stderr())
        .contains("Apply failed with 2 conflicts")
        // Upstream prints appliers by name only ("using <version>" is for updaters).
        .contains("conflicts with \"team-a\":")
        .contains("conflicts with \"team-c\":")
        .contains("- .data.color");
    assertThat(kubectl.ok("get", "configmap", "shared", "-n", ns, "-o", "jsonpath={.data.color}"))
        .isEqualTo("blue");

    Kubectl.Result forced =
        kubectl.runWithStdin(
            manifest.formatted(ns, "red"),
            "apply",
            "--server-side",
            "--field-manager=team-b",
            "--force-conflicts",
            "-f",
            "-");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    JsonNode json =
        JSON.readTree(
            kubectl.ok(
                "get", "configmap", "shared", "-n", ns, "-o", "json", "--show-managed-fields"));
    assertThat(json.path("data").path("color").asText()).isEqualTo("red");
    List<String> owners = new java.util.ArrayList<>();
    for (JsonNode entry : json.path("metadata").path("managedFields")) {
      if (entry.path("fieldsV1").path("f:data").has("f:color")) {
        owners.add(entry.path("manager").asText());
      }
    }
    assertThat(owners).containsExactly("team-b");
    kubectl.ok("delete", "namespace", ns, "--wait=false");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void deleteCascadeOrphanAndForeground(String version) throws Exception {
    Kubectl kubectl = kubectl(version);
    String ns = namespaceFor("cascade", version);
    kubectl.ok("create", "namespace", ns);

    kubectl.ok("create", "deployment", "kept", "--image=busybox", "-n", ns);
    String rs = awaitReplicaSet(kubectl, ns, "kept");
    assertThat(kubectl.ok("delete", "deployment", "kept", "-n", ns, "--cascade=orphan"))
        .contains("deployment.apps \"kept\" deleted");
    // The garbage collector orphans the ReplicaSet, then lets the Deployment go.
    await(
        () ->
            kubectl.run("get", "deployment", "kept", "-n", ns).exitCode() != 0
                && kubectl
                    .ok("get", "rs", rs, "-n", ns, "-o", "jsonpath={.metadata.ownerReferences}")
                    .isEmpty());

    kubectl.ok("create", "deployment", "gone", "--image=busybox", "-n", ns);
    String goneRs = awaitReplicaSet(kubectl, ns, "gone");
    // kubectl waits until the Deployment is gone, which foreground deletion allows only after
    // its ReplicaSet is gone.
    assertThat(kubectl.ok("delete", "deployment", "gone", "-n", ns, "--cascade=foreground"))
        .contains("deployment.apps \"gone\" deleted");
    Kubectl.Result rsAfter = kubectl.run("get", "rs", goneRs, "-n", ns);
    assertThat(rsAfter.exitCode()).as(rsAfter.toString()).isNotZero();
    assertThat(rsAfter.stderr()).contains("NotFound");
    assertThat(kubectl.ok("get", "rs", rs, "-n", ns, "-o", "name")).contains(rs);
    kubectl.ok("delete", "namespace", ns, "--wait=false");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void explainDescribesFields(String version) {
    String out = kubectl(version).ok("explain", "deployment.spec.replicas");
    assertThat(out).contains("Deployment").containsPattern("replicas\\s+<integer>");
    assertThat(out).contains("DESCRIPTION");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @ValueSource(strings = {"1.27", "1.33"})
  void waitEditAndWatchWhileAnotherProcessChangesObjects(String version) throws Exception {
    Kubectl kubectl = kubectl(version);
    String ns = namespaceFor("wew", version);
    kubectl.ok("create", "namespace", ns);
    kubectl.ok("create", "configmap", "flag", "-n", ns, "--from-literal=state=pending");

    // get -w: the initial object, then the changes another kubectl makes, in order.
    Process watch =
        kubectl.start(
            java.util.Map.of(), "get", "configmaps", "-n", ns, "-w", "--output-watch-events");
    java.util.concurrent.BlockingQueue<String> lines = lines(watch);
    try {
      awaitLine(lines, "ADDED\\s+flag\\s");
      Process waiting =
          kubectl.start(
              java.util.Map.of(),
              "wait",
              "--for=jsonpath={.data.state}=done",
              "configmap/flag",
              "-n",
              ns,
              "--timeout=120s");
      kubectl.ok(
          "patch",
          "configmap",
          "flag",
          "-n",
          ns,
          "--type=merge",
          "-p",
          "{\"data\":{\"state\":\"done\"}}");
      assertThat(waiting.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String waited =
          new String(
              waiting.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(waiting.exitValue()).as(waited).isZero();
      assertThat(waited).contains("configmap/flag condition met");
      awaitLine(lines, "MODIFIED\\s+flag\\s");

      // edit: the editor changes the file, kubectl sends the difference as a patch.
      java.nio.file.Path editor = processes.newDir("editor-" + version).resolve("edit.sh");
      java.nio.file.Files.writeString(
          editor, "#!/bin/sh\nsed -i 's/state: done/state: edited/' \"$1\"\n");
      editor.toFile().setExecutable(true);
      Process edit =
          kubectl.start(
              java.util.Map.of("KUBE_EDITOR", editor.toString()),
              "edit",
              "configmap",
              "flag",
              "-n",
              ns);
      assertThat(edit.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String edited =
          new String(edit.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(edit.exitValue()).as(edited).isZero();
      assertThat(edited).contains("configmap/flag edited");
      assertThat(kubectl.ok("get", "configmap", "flag", "-n", ns, "-o", "jsonpath={.data.state}"))
          .isEqualTo("edited");

      kubectl.ok("delete", "configmap", "flag", "-n", ns);
      awaitLine(lines, "DELETED\\s+flag\\s");
    } finally {
      watch.destroy();
      watch.waitFor();
    }
    kubectl.ok("delete", "namespace", ns, "--wait=false");
  }

  /** The lines a background kubectl prints, as they come. */
  private static java.util.concurrent.BlockingQueue<String> lines(Process process) {
    java.util.concurrent.BlockingQueue<String> out =
        new java.util.concurrent.LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (java.io.BufferedReader r =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.add(line);
                }
              } catch (java.io.IOException e) {
                out.add("read failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    return out;
  }

  /** Takes lines until one matches {@code regex}; fails after two minutes without one. */
  private static void awaitLine(java.util.concurrent.BlockingQueue<String> lines, String regex)
      throws InterruptedException {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    List<String> seen = new java.util.ArrayList<>();
    while (true) {
      String line = lines.poll(120, java.util.concurrent.TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("no line matching " + regex + " in " + seen);
      }
      seen.add(line);
      if (p.matcher(line).find()) {
        return;
      }
    }
  }

  private static String awaitReplicaSet(Kubectl kubectl, String ns, String app)
      throws InterruptedException {
    String[] name = new String[1];
    await(
        () -> {
          name[0] =
              kubectl
                  .ok(
                      "get",
                      "rs",
                      "-n",
                      ns,
                      "-l",
                      "app=" + app,
                      "-o",
                      "jsonpath={.items[*].metadata.name}")
                  .trim();
          return !name[0].isEmpty();
        });
    return name[0];
  }

  /** Polls until {@code condition} holds (at most two minutes, so a broken server fails). */
  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    for (int i = 0; i < 240; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("condition not met within two minutes");
  }

  private static String apply(Kubectl kubectl, String manifest) {
    Kubectl.Result result = kubectl.runWithStdin(manifest, "apply", "-f", "-");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result.stdout();
  }

  private static String resourceVersion(Kubectl kubectl, String ns) {
    return kubectl.ok(
        "get", "configmap", "applied", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}");
  }
}
