package io.kuark.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfListTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void shippedConflistGivesEachPluginNameVersionAndPrevResult() throws Exception {
    ConfList list = ConfList.parse(Files.readAllBytes(Path.of("conf/10-kuark.conflist")));
    assertThat(list.plugins()).hasSize(2);
    assertThat(list.type(0)).isEqualTo("kuark-bridge");
    assertThat(list.type(1)).isEqualTo("portmap");
    JsonNode first = mapper.readTree(list.pluginConfig(0, null));
    assertThat(first.get("name").asText()).isEqualTo("kuark");
    assertThat(first.get("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(first.has("prevResult")).isFalse();
    JsonNode second =
        mapper.readTree(list.pluginConfig(1, "{\"cniVersion\":\"1.0.0\",\"ips\":[]}"));
    assertThat(second.get("prevResult").get("ips").isArray()).isTrue();
    assertThat(second.get("name").asText()).isEqualTo("kuark");
  }

  @Test
  void singlePluginConfigIsAOneEntryList() {
    ConfList list =
        ConfList.parse("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"bridge\"}".getBytes());
    assertThat(list.plugins()).hasSize(1);
    assertThatThrownBy(() -> ConfList.parse("{\"plugins\":[]}".getBytes()))
        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
  }
}
