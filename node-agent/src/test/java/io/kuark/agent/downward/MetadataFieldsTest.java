package io.kuark.agent.downward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataFieldsTest {

  private final ObjectMeta meta =
      new ObjectMetaBuilder()
          .withName("web-1")
          .withNamespace("shop")
          .withUid("u-1")
          .withLabels(Map.of("tier", "front", "app", "web"))
          .withAnnotations(Map.of("note", "say \"hi\"\nthen\tgo \\ back", "empty", ""))
          .build();

  @Test
  void wholeMapsAreSortedQuotedLinesWithoutATrailingNewline() throws Exception {
    assertThat(MetadataFields.value(meta, "metadata.labels"))
        .isEqualTo("app=\"web\"\ntier=\"front\"");
    assertThat(MetadataFields.value(meta, "metadata.annotations"))
        .isEqualTo("empty=\"\"\nnote=\"say \\\"hi\\\"\\nthen\\tgo \\\\ back\"");
    assertThat(MetadataFields.value(new ObjectMeta(), "metadata.labels")).isEmpty();
  }

  @Test
  void oneKeyIsItsRawValueAndAMissingKeyIsEmpty() throws Exception {
    assertThat(MetadataFields.value(meta, "metadata.labels['app']")).isEqualTo("web");
    assertThat(MetadataFields.value(meta, "metadata.annotations['note']"))
        .isEqualTo("say \"hi\"\nthen\tgo \\ back");
    assertThat(MetadataFields.value(meta, "metadata.labels['missing']")).isEmpty();
  }

  @Test
  void scalarFields() throws Exception {
    assertThat(MetadataFields.value(meta, "metadata.name")).isEqualTo("web-1");
    assertThat(MetadataFields.value(meta, "metadata.namespace")).isEqualTo("shop");
    assertThat(MetadataFields.value(meta, "metadata.uid")).isEqualTo("u-1");
  }

  @Test
  void pathsAVolumeCannotHoldAreRefused() {
    for (String path : new String[] {"spec.nodeName", "status.podIP", "metadata.labels[app]"}) {
      assertThatThrownBy(() -> MetadataFields.value(meta, path))
          .isInstanceOf(MetadataFields.UnsupportedFieldException.class)
          .hasMessage("unsupported fieldPath: " + path);
    }
  }

  @Test
  void quotingFollowsGo() {
    StringBuilder out = new StringBuilder();
    // Printable non-ASCII stays; ESC, DEL, a no-break space and a private-use character escape.
    MetadataFields.quote("é☃\u001b\u007f\u00a0\uE000\uD83D\uDE00", out);
    assertThat(out.toString()).isEqualTo("\"é☃\\x1b\\x7f\\u00a0\\ue000\uD83D\uDE00\"");
  }
}
