package io.kuark.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFormatTest {

  @Test
  void kubectlTableAcceptHeader() {
    OutputFormat f =
        OutputFormat.negotiate(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
    assertThat(f).isEqualTo(new OutputFormat(OutputFormat.Kind.TABLE, "v1"));
  }

  @Test
  void protobufFirstFallsBackToJson() {
    assertThat(OutputFormat.negotiate("application/vnd.kubernetes.protobuf,application/json"))
        .isEqualTo(OutputFormat.OBJECT);
  }

  @Test
  void partialObjectMetadata() {
    assertThat(
            OutputFormat.negotiate(
                    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
                .kind())
        .isEqualTo(OutputFormat.Kind.METADATA);
  }
}
