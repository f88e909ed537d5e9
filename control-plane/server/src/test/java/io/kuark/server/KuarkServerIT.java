package io.kuark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kuark-server as a real process (the packaged quarkus-run.jar) driven by real kubectl v1.27 and
 * v1.33 with the kubeconfig it writes.
 */
class KuarkServerIT {

  static Path dir;
  static ServerProcess server;
  static Kubectl k33;
  static Kubectl k27;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("kuark-server-it");
    server =
        new ServerProcess(
            dir.resolve("data"), dir.resolve("etc/kuark.yaml"), ServerProcess.freePort());
    k33 = new Kubectl("1.33", server.kubeconfig);
    k27 = new Kubectl("1.27", server.kubeconfig);
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

  @Test
  void writesPrivateKubeconfigAndKeys() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.kubeconfig)))
        .isEqualTo("rw-------");
    Path tls = server.dataDir.resolve("server/tls");
    for (String key : new String[] {"ca.key", "serving.key", "client-admin.key"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(key))))
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(server.kubeconfig))
        .contains("server: https://127.0.0.1:" + server.port);
  }

  @Test
  void apiResourcesAndVersion() {
    for (Kubectl k : new Kubectl[] {k27, k33}) {
      String resources = k.run("api-resources").ok().out();
      assertThat(resources)
          .contains("deployments", "deploy", "apps/v1", "pods", "po", "namespaces");
      assertThat(k.run("version", "-o", "json").ok().out()).contains("v1.33.0-kuark");
    }
  }

  @Test
  void createGetLabelScaleDelete() {
    k33.run("create", "namespace", "it1").ok();
    k33.run("-n", "it1", "create", "configmap", "cm1", "--from-literal=a=1").ok();
    k33.run("-n", "it1", "create", "deployment", "web", "--image=kuark.local/demo:latest").ok();
    k27.run("-n", "it1", "create", "deployment", "web27", "--image=kuark.local/demo:latest").ok();

    String yaml = k33.run("-n", "it1", "get", "deployment", "web", "-o", "yaml").ok().out();
    assertThat(yaml)
        .contains("name: web", "image: kuark.local/demo:latest", "resourceVersion:", "uid:");
    String json = k27.run("-n", "it1", "get", "configmap", "cm1", "-o", "json").ok().out();
    assertThat(json).contains("\"a\": \"1\"", "\"kind\": \"ConfigMap\"");

    // Server-side Table printing: the columns kubectl shows against upstream.
    String table = k33.run("-n", "it1", "get", "deployments").ok().out();
    assertThat(table).contains("READY", "UP-TO-DATE", "AVAILABLE", "AGE", "web27");
    String wide = k33.run("-n", "it1", "get", "deployments", "-o", "wide").ok().out();
    assertThat(wide)
        .contains("CONTAINERS", "IMAGES", "SELECTOR", "kuark.local/demo:latest", "app=web");
    String pods = k33.run("get", "pods", "-A", "-o", "wide").ok().err();
    assertThat(pods).doesNotContain("error");

    k33.run("-n", "it1", "label", "configmap", "cm1", "tier=front").ok();
    assertThat(
            k27.run("-n", "it1", "get", "configmap", "-l", "tier=front", "-o", "name").ok().out())
        .contains("configmap/cm1");
    assertThat(
            k27.run("-n", "it1", "get", "configmap", "-l", "tier!=front", "-o", "name").ok().out())
        .doesNotContain("configmap/cm1");

    k27.run("-n", "it1", "scale", "deployment", "web", "--replicas=3").ok();
    k33.run("-n", "it1", "scale", "deployment", "web27", "--replicas=2").ok();
    assertThat(
            k33.run("-n", "it1", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                .ok()
                .out())
        .isEqualTo("3");
    assertThat(
            k27.run("-n", "it1", "get", "deployment", "web27", "-o", "jsonpath={.spec.replicas}")
                .ok()
                .out())
        .isEqualTo("2");

    k33.run("-n", "it1", "delete", "configmap", "cm1").ok();
    Kubectl.Result gone = k33.run("-n", "it1", "get", "configmap", "cm1");
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("NotFound", "configmaps \"cm1\" not found");
  }

  @Test
  void conflictsAndBadInputAreUpstreamStatuses() {
    k33.run("create", "namespace", "it2").ok();
    k33.run("-n", "it2", "create", "configmap", "dup").ok();
    Kubectl.Result again = k33.run("-n", "it2", "create", "configmap", "dup");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("configmaps \"dup\" already exists");
    Kubectl.Result missingNs = k27.run("-n", "nope", "create", "configmap", "x");
    assertThat(missingNs.err()).contains("namespaces \"nope\" not found");
  }

  @Test
  void getWatchSeesChanges() {
    k33.run("create", "namespace", "it3").ok();
    k33.run("-n", "it3", "create", "configmap", "w1").ok();
    for (Kubectl k : new Kubectl[] {k27, k33}) {
      Kubectl.Running watch =
          k.start("-n", "it3", "get", "configmaps", "-w", "--output-watch-events");
      // The watch is established once the initial list is printed; changes after that stream in.
      await().atMost(Duration.ofMinutes(1)).until(() -> watch.output().contains("w1"));
      k33.run("-n", "it3", "label", "--overwrite", "configmap", "w1", "round=" + k.hashCode()).ok();
      await().atMost(Duration.ofMinutes(1)).until(() -> watch.output().contains("MODIFIED"));
      String out = watch.stop().out();
      assertThat(out).contains("MODIFIED", "w1");
    }
  }

  @Test
  void customResourceDefinitionsAreServed() throws IOException {
    Path crd = dir.resolve("crd.yaml");
    Files.writeString(
        crd,
        String.join(
            "\n",
            "apiVersion: apiextensions.k8s.io/v1",
            "kind: CustomResourceDefinition",
            "metadata: {name: gadgets.example.com}",
            "spec:",
            "  group: example.com",
            "  scope: Namespaced",
            "  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}",
            "  versions:",
            "  - name: v1",
            "    served: true",
            "    storage: true",
            "    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]",
            "    schema:",
            "      openAPIV3Schema:",
            "        type: object",
            "        properties:",
            "          spec: {type: object, properties: {size: {type: integer, minimum: 1}}}",
            ""));
    Path cr = dir.resolve("cr.yaml");
    Files.writeString(
        cr,
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1, namespace: default}\nspec: {size: 7}\n");
    k33.run("apply", "-f", crd.toString()).ok();
    k33.run("wait", "--for", "condition=established", "crd/gadgets.example.com", "--timeout=60s")
        .ok();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> k33.run("api-resources").out().contains("gadgets"));
    k27.run("apply", "-f", cr.toString()).ok();
    String table = k33.run("get", "gadgets").ok().out();
    assertThat(table).contains("SIZE", "g1", "7");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g2, namespace: default}\nspec: {size: 0}\n");
    Kubectl.Result invalid = k33.run("apply", "-f", bad.toString());
    assertThat(invalid.exitCode()).isNotZero();
    assertThat(invalid.err()).contains("is invalid", "spec.size");
  }

  @Test
  void healthAndMetricsEndpoints() {
    assertThat(k33.run("get", "--raw", "/readyz?verbose").ok().out())
        .contains("[+]etcd ok", "readyz check passed");
    assertThat(k33.run("get", "--raw", "/livez").ok().out()).isEqualTo("ok");
    assertThat(k33.run("get", "--raw", "/metrics").ok().out()).contains("apiserver_request_total");
  }
}
