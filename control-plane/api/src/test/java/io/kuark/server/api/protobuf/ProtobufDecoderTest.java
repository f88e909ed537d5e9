package io.kuark.server.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProtobufDecoderTest {

  /** The body kubectl 1.33 sends for {@code kubectl create deployment demo --image=...}. */
  static final String CREATE_DEPLOYMENT =
      "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c1010a21"
          + "0a0464656d6f12001a0022002a003200380042005a0b0a03617070120464656d"
          + "6f128d010801120d0a0b0a03617070120464656d6f1a720a1d0a0012001a0022"
          + "002a003200380042005a0b0a03617070120464656d6f125112330a0464656d6f"
          + "12176b7561726b2e6c6f63616c2f64656d6f3a6c61746573742a0042006a0072"
          + "00800100880100900100a201001a00320042004a005200580060006800820100"
          + "8a01009a0100c2010022020a00280038001a0c0800100018002000280038001a"
          + "002200";

  private final ProtobufDecoder decoder = new ProtobufDecoder(ProtobufSchema.builtIn());

  @Test
  void decodesKubectlCreateDeployment() {
    ObjectNode d = decoder.decode(HexFormat.of().parseHex(CREATE_DEPLOYMENT));
    assertThat(d.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(d.path("kind").asText()).isEqualTo("Deployment");
    assertThat(d.path("metadata").path("name").asText()).isEqualTo("demo");
    assertThat(d.path("metadata").path("labels").path("app").asText()).isEqualTo("demo");
    assertThat(d.path("metadata").path("creationTimestamp").isNull()).isTrue();
    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(d.path("spec").path("selector").path("matchLabels").path("app").asText())
        .isEqualTo("demo");
    assertThat(
            d.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("image")
                .asText())
        .isEqualTo("kuark.local/demo:latest");
    assertThat(
            d.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("name")
                .asText())
        .isEqualTo("demo");
    assertThat(d.path("spec").has("paused")).isFalse();
  }

  @Test
  void rejectsUnknownKinds() {
    byte[] body = HexFormat.of().parseHex("6b3873000a0a0a02763112044e6f7065");
    assertThatThrownBy(() -> decoder.decode(body)).isInstanceOf(ProtobufException.class);
  }
}
