package io.kuark.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void normalizesLikeKubernetes() {
    assertThat(ImageReference.parse("busybox").toString())
        .isEqualTo("docker.io/library/busybox:latest");
    assertThat(ImageReference.parse("busybox:1.36").toString())
        .isEqualTo("docker.io/library/busybox:1.36");
    assertThat(ImageReference.parse("team/app").toString()).isEqualTo("docker.io/team/app:latest");
    assertThat(ImageReference.parse("index.docker.io/library/nginx").toString())
        .isEqualTo("docker.io/library/nginx:latest");
    assertThat(ImageReference.parse("kuark.local/demo:latest").toString())
        .isEqualTo("kuark.local/demo:latest");
    assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
    assertThat(ImageReference.parse("127.0.0.1:5000/library/demo:1").registry())
        .isEqualTo("127.0.0.1:5000");
    assertThat(ImageReference.parse("registry.example/team/app:1.2").repository())
        .isEqualTo("team/app");
  }

  @Test
  void keepsDigestsAndDropsTheDefaultTagForThem() {
    String digest = "sha256:" + "a".repeat(64);
    ImageReference byDigest = ImageReference.parse("busybox@" + digest);
    assertThat(byDigest.tag()).isNull();
    assertThat(byDigest.digest()).isEqualTo(digest);
    assertThat(byDigest.toString()).isEqualTo("docker.io/library/busybox@" + digest);
    assertThat(ImageReference.parse("busybox:1@" + digest).toString())
        .isEqualTo("docker.io/library/busybox:1@" + digest);
  }

  @Test
  void aPortIsNotATag() {
    ImageReference ref = ImageReference.parse("localhost:5000/app");
    assertThat(ref.registry()).isEqualTo("localhost:5000");
    assertThat(ref.tag()).isEqualTo("latest");
  }

  @Test
  void rejectsInvalidReferences() {
    assertThatThrownBy(() -> ImageReference.parse("Busybox")).hasMessageContaining("lowercase");
    assertThatThrownBy(() -> ImageReference.parse(""))
        .isInstanceOf(ImageReference.InvalidReferenceException.class);
    assertThatThrownBy(() -> ImageReference.parse("busybox@sha256:xyz"))
        .hasMessageContaining("digest");
    assertThatThrownBy(() -> ImageReference.parse("a//b"))
        .isInstanceOf(ImageReference.InvalidReferenceException.class);
  }

  @Test
  void bareOciRefNamesAreTagsOfTheArchiveName() {
    assertThat(ArchiveImporter.referenceFromRefName("1.2", "app")).isEqualTo("app:1.2");
    assertThat(ArchiveImporter.referenceFromRefName("registry.example/team/app:1.2", "x"))
        .isEqualTo("registry.example/team/app:1.2");
    assertThat(ArchiveImporter.referenceFromRefName(null, "x")).isNull();
  }
}
