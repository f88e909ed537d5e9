package io.kuark.server.apimodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

public class CustomResourceTypesTest {

  public static final String CRD =
      """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Cluster",
         "names":{"kind":"Widget","plural":"widgets","shortNames":["wd"],"categories":["all"]},
         "versions":[
           {"name":"v1","served":true,"storage":true,"subresources":{"status":{},"scale":{}},
            "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}],
            "schema":{"openAPIV3Schema":{"type":"object"}}},
           {"name":"v1beta1","served":false,"storage":false}]}}
      """;

  @Test
  void servedVersionsBecomeResourceTypes() throws Exception {
    JsonNode crd = new ObjectMapper().readTree(CRD);
    List<ResourceType> types = CustomResourceTypes.typesOf(crd);
    assertThat(types).hasSize(1);
    ResourceType t = types.get(0);
    assertThat(t.group()).isEqualTo("example.com");
    assertThat(t.version()).isEqualTo("v1");
    assertThat(t.singular()).isEqualTo("widget");
    assertThat(t.listKind()).isEqualTo("WidgetList");
    assertThat(t.namespaced()).isFalse();
    assertThat(t.shortNames()).containsExactly("wd");
    assertThat(t.categories()).containsExactly("all");
    assertThat(t.hasSubresource("status")).isTrue();
    assertThat(t.subresource("scale").orElseThrow().kind()).isEqualTo("Scale");
    assertThat(t.modelClass()).isNull();
    assertThat(CustomResourceTypes.printerColumns(crd, "v1")).hasSize(1);
    assertThat(CustomResourceTypes.schema(crd, "v1").path("type").asText()).isEqualTo("object");
    assertThat(CustomResourceTypes.schema(crd, "v9").isMissingNode()).isTrue();
  }
}
