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
  void stopServer() throws InterruptedException {
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
