package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenApiV2ProtobufTest {

  @Test
  void encodesDocumentFieldsWithGnosticFieldNumbers() throws Exception {
    var doc =
        new ObjectMapper()
            .readTree(
                "{\"swagger\":\"2.0\",\"info\":{\"title\":\"T\",\"version\":\"v1\"},"
                    + "\"paths\":{},\"definitions\":{\"D\":{\"type\":\"object\",\"x-k\":[1]}}}");
    byte[] pb = OpenApiV2Protobuf.encode(doc);
    // field 1 (swagger), wire type 2, length 3, "2.0"
    assertThat(pb[0]).isEqualTo((byte) 0x0A);
    assertThat(pb[1]).isEqualTo((byte) 3);
    assertThat(new String(pb, 2, 3, StandardCharsets.US_ASCII)).isEqualTo("2.0");
    // field 2 (info) follows: tag 0x12, length 6, title (0x0A 1 'T'), version (0x12 2 "v1")
    assertThat(pb[5]).isEqualTo((byte) 0x12);
    assertThat(pb[6]).isEqualTo((byte) 7);
    assertThat(new String(pb, 7, 7, StandardCharsets.US_ASCII))
        .isEqualTo("\n\u0001T\u0012\u0002v1");
    String text = new String(pb, StandardCharsets.ISO_8859_1);
    // the definition name, its type and the vendor extension as YAML text are all present
    assertThat(text).contains("D", "object", "x-k", "[1]\n");
  }

  @Test
  void theFullDocumentEncodes() {
    byte[] pb = OpenApiDocumentsTest.DOCS.v2Protobuf().json();
    assertThat(pb.length).isGreaterThan(100_000);
    assertThat(new String(pb, StandardCharsets.ISO_8859_1))
        .contains("io.k8s.api.core.v1.Pod", "x-kubernetes-patch-merge-key", "fieldValidation");
  }
}
