package io.kuark.server.controller.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateRevisionsTest {

  @Test
  void podsAreLabelledWithTheRevisionsHashOrItsNameWhenItHasNone() {
    ControllerRevision hashed =
        new ControllerRevisionBuilder()
            .withNewMetadata()
            .withName("agent-5d8c9b")
            .withLabels(Map.of(TemplateRevisions.HASH_LABEL, "5d8c9b"))
            .endMetadata()
            .withRevision(1L)
            .build();
    ControllerRevision adopted =
        new ControllerRevisionBuilder()
            .withNewMetadata()
            .withName("agent-orphan")
            .endMetadata()
            .withRevision(2L)
            .build();
    assertThat(new TemplateRevisions.Update(hashed, 0).hash()).isEqualTo("5d8c9b");
    assertThat(new TemplateRevisions.Update(adopted, 0).hash()).isEqualTo("agent-orphan");
  }
}
