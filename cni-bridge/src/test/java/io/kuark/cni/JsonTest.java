package io.kuark.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Json} must give the same trees and text as an ObjectMapper with default settings. */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DOC =
      "{\"cniVersion\":\"1.0.0\",\"name\":\"n\\u00e9t\",\"mtu\":1500,\"big\":12345678901,"
          + "\"huge\":123456789012345678901234567890,\"ratio\":0.25,\"neg\":-7,\"on\":true,"
          + "\"off\":false,\"none\":null,\"empty\":{},\"list\":[],\"ipam\":{\"type\":\"host-local\","
          + "\"ranges\":[[{\"subnet\":\"10.1.0.0/16\",\"gateway\":\"10.1.0.1\"}],[{\"subnet\":\"fd00::/64\"}]],"
          + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"quote\":\"a\\\"b\\\\c\\n\",\"dup\":1,\"dup\":2}";

  @Test
  void readsTheSameTreeAsAnObjectMapper() throws Exception {
    byte[] doc = DOC.getBytes(StandardCharsets.UTF_8);
    JsonNode ours = Json.read(doc);
    JsonNode theirs = MAPPER.readTree(doc);
    assertThat(ours).isEqualTo(theirs);
    assertThat(ours.get("big").isLong()).isTrue();
    assertThat(ours.get("huge").isBigInteger()).isTrue();
    assertThat(ours.get("ratio").isDouble()).isTrue();
    assertThat(ours.get("dup").asInt()).isEqualTo(2);
  }

  @Test
  void writesWhatTheObjectMapperWrites() throws Exception {
    JsonNode tree = MAPPER.readTree(DOC);
    assertThat(Json.pretty(tree))
        .isEqualTo(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    assertThat(new String(Json.compact(tree), StandardCharsets.UTF_8))
        .isEqualTo(MAPPER.writeValueAsString(tree));
  }

  @Test
  void emptyInputIsMissingAndBrokenInputFails() throws Exception {
    assertThat(Json.read(new byte[0]).isMissingNode()).isTrue();
    assertThatThrownBy(() -> Json.read("{\"a\":[1,2".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> Json.read("{\"a\" 1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonProcessingException.class);
  }
}
