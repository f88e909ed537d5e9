package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaLookupTest {

  final ResourceCatalog catalog = ResourceCatalog.builtIns();

  ResourceType type(String group, String plural) {
    return catalog.find(group, "v1", plural).orElseThrow();
  }

  @Test
  void builtInListsResolveThroughTheirTypes() {
    FieldSemantics containers =
        SchemaLookup.semantics(
                type("apps", "deployments"),
                null,
                List.of("spec", "template", "spec", "containers"))
            .orElseThrow();
    assertThat(containers.mergesByKey()).isTrue();
    assertThat(containers.patchMergeKey()).isEqualTo("name");
    assertThat(containers.listType()).isEqualTo("map");
    FieldSemantics ports =
        SchemaLookup.semantics(type("", "pods"), null, List.of("spec", "containers", "ports"))
            .orElseThrow();
    assertThat(ports.patchMergeKey()).isEqualTo("containerPort");
    assertThat(ports.listMapKeys()).containsExactly("containerPort", "protocol");
    assertThat(
            SchemaLookup.semantics(type("", "services"), null, List.of("spec", "ports"))
                .orElseThrow()
                .patchMergeKey())
        .isEqualTo("port");
    assertThat(
            SchemaLookup.semantics(type("", "pods"), null, List.of("metadata", "finalizers"))
                .orElseThrow()
                .mergesAsSet())
        .isTrue();
    assertThat(
            SchemaLookup.semantics(type("", "pods"), null, List.of("spec", "containers", "command"))
                .orElseThrow()
                .listType())
        .isEqualTo("atomic");
    assertThat(SchemaLookup.semantics(type("", "endpoints"), null, List.of("subsets", "addresses")))
        .isEmpty();
    assertThat(
            SchemaLookup.semantics(type("apps", "deployments"), null, List.of("spec", "strategy"))
                .orElseThrow()
                .patchStrategy())
        .isEqualTo("retainKeys");
    assertThat(SchemaLookup.schemaAt(type("", "pods"), null, List.of("spec", "nope"))).isNull();
  }

  @Test
  void customResourcesUseTheirSchema() throws Exception {
    var schema =
        new ObjectMapper()
            .readTree(
                "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
                    + "\"x-kubernetes-list-type\":\"map\",\"x-kubernetes-list-map-keys\":[\"name\"],\"items\":{\"type\":\"object\"}}}}}}");
    ResourceType widgets =
        new ResourceType(
            "example.com",
            "v1",
            "Widget",
            "widgets",
            "widget",
            List.of(),
            List.of(),
            true,
            ResourceType.STANDARD_VERBS,
            List.of(),
            null,
            null);
    FieldSemantics s =
        SchemaLookup.semantics(widgets, schema, List.of("spec", "items")).orElseThrow();
    assertThat(s.listType()).isEqualTo("map");
    assertThat(s.listMapKeys()).containsExactly("name");
    assertThat(s.mergesByKey()).isFalse();
  }
}
