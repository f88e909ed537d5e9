package io.kuark.server.api.select;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

  @Test
  void podFields() {
    ObjectNode pod = Json.object();
    pod.putObject("metadata").put("name", "p").put("namespace", "n");
    pod.putObject("spec").put("nodeName", "node-a");
    pod.putObject("status").put("phase", "Running");
    assertThat(FieldSelector.parse("spec.nodeName=node-a").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName!=node-a").matches(pod)).isFalse();
    assertThat(FieldSelector.parse("status.phase==Running,metadata.name=p").matches(pod)).isTrue();
    // Unset fields compare as "": an unscheduled pod matches spec.nodeName=.
    ObjectNode pending = Json.object();
    pending.putObject("spec");
    assertThat(FieldSelector.parse("spec.nodeName=").matches(pending)).isTrue();
  }
}
