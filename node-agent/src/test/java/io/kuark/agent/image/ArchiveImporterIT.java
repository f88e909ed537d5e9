package io.kuark.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.agent.testing.DemoImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Air-gap import of the archive shapes found in the wild, written by skopeo from the demo image.
 */
class ArchiveImporterIT {

  private Path dir;
  private ImageStore store;
  private ArchiveImporter importer;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-import-it");
    store = new ImageStore(dir.resolve("content"), new ExecOverlayMarks());
    importer = new ArchiveImporter(store, dir.resolve("tmp"));
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path skopeo(String destination) throws Exception {
    Process process =
        new ProcessBuilder(
                "skopeo", "copy", "--quiet", "oci-archive:" + DemoImage.archive(), destination)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    return dir;
  }

  @Test
  void importsADockerArchiveWithItsRepoTag() throws Exception {
    Path archive = dir.resolve("drop/app.tar");
    Files.createDirectories(archive.getParent());
    skopeo("docker-archive:" + archive + ":registry.example/team/app:1.2");

    List<ImageRecord> images = importer.importDirectory(archive.getParent());

    assertThat(images).hasSize(1);
    ImageRecord image = store.find("registry.example/team/app:1.2").orElseThrow();
    assertThat(image.imageId()).startsWith("registry.example/team/app@sha256:");
    assertThat(store.config(image).cmd()).containsExactly("httpd", "-f", "-p", "80", "-h", "/www");
    Path top = store.layerDirsTopFirst(image).get(0);
    assertThat(top.resolve("www/index.html")).exists();
    assertThat(Files.readSymbolicLink(top.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
  }

  @Test
  void importsAnOciArchiveWithAFullReferenceAndNormalizesShortNames() throws Exception {
    Path archive = dir.resolve("drop/busybox.tar");
    Files.createDirectories(archive.getParent());
    skopeo("oci-archive:" + archive + ":busybox:1.36");

    importer.importDirectory(archive.getParent());

    assertThat(store.find("docker.io/library/busybox:1.36")).isPresent();
    assertThat(store.find("busybox:1.36")).isPresent();
    assertThat(store.find("busybox:latest")).isEmpty();
  }

  @Test
  void theDemoArchiveIsNamedByItsRefNameAndReimportIsSkipped() throws Exception {
    Path drop = dir.resolve("drop");
    Files.createDirectories(drop);
    Files.copy(DemoImage.archive(), drop.resolve("kuark-demo.tar"));
    assertThat(importer.importDirectory(drop)).hasSize(1);
    assertThat(store.find("kuark.local/demo:latest")).isPresent();
    assertThat(importer.importDirectory(drop)).isEmpty();
    assertThat(store.find("kuark.local/demo:latest")).isPresent();
  }
}
