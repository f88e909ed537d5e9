package io.kuark.agent.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Static pod manifests: identity (name, UID hash, annotations), change detection, bad files. */
class StaticPodFilesTest {

  private static final String WEB =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: c
          image: kuark.local/demo:latest
      """;

  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-static");
  }

  @AfterEach
  void tearDown() throws Exception {
    PodWorker.deleteTree(dir);
  }

  @Test
  void aManifestBecomesAPodOfThisNodeNamedAfterIt() throws Exception {
    Files.writeString(dir.resolve("web.yaml"), WEB);
    Map<String, Pod> pods = new StaticPodFiles(dir, "Node-1").read();
    assertThat(pods).hasSize(1);
    Pod pod = pods.values().iterator().next();
    assertThat(pod.getMetadata().getName()).isEqualTo("web-node-1");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(pod.getSpec().getNodeName()).isEqualTo("Node-1");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
    assertThat(pod.getMetadata().getUid()).matches("[0-9a-f]{32}");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.hash", pod.getMetadata().getUid())
        .containsEntry("kubernetes.io/config.source", "file")
        .containsKey("kubernetes.io/config.seen");
  }

  @Test
  void theUidIsStableForTheSameManifestAndChangesWithIt() throws Exception {
    Files.writeString(dir.resolve("web.yaml"), WEB);
    String first = new StaticPodFiles(dir, "n").read().keySet().iterator().next();
    String again = new StaticPodFiles(dir, "n").read().keySet().iterator().next();
    String otherNode = new StaticPodFiles(dir, "m").read().keySet().iterator().next();
    assertThat(again).isEqualTo(first);
    assertThat(otherNode).isNotEqualTo(first);

    StaticPodFiles files = new StaticPodFiles(dir, "n");
    files.read();
    Files.writeString(dir.resolve("web.yaml"), WEB.replace("demo:latest", "demo:2"));
    Files.setLastModifiedTime(
        dir.resolve("web.yaml"), java.nio.file.attribute.FileTime.fromMillis(1000));
    assertThat(files.read().keySet()).doesNotContain(first).hasSize(1);
  }

  @Test
  void badFilesAndDotFilesAreSkippedWithTheReason() throws Exception {
    Files.writeString(
        dir.resolve("web.json"),
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
            + "\"metadata\":{\"name\":\"j\",\"namespace\":\"kube-system\"},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
    Files.writeString(dir.resolve("noname.yaml"), WEB.replace("name: web", "labels: {a: b}"));
    Files.writeString(
        dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    Files.writeString(dir.resolve(".web.yaml.swp"), "garbage");
    StaticPodFiles files = new StaticPodFiles(dir, "n");
    Map<String, Pod> pods = files.read();
    assertThat(pods.values())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getMetadata().getName()).isEqualTo("j-n");
              assertThat(p.getMetadata().getNamespace()).isEqualTo("kube-system");
            });
    assertThat(files.problems())
        .anyMatch(p -> p.startsWith("noname.yaml: metadata.name is required"))
        .anyMatch(p -> p.startsWith("svc.yaml: expected kind Pod"))
        .hasSize(2);
  }
}
