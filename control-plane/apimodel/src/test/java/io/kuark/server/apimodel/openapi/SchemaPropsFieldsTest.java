package io.kuark.server.apimodel.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * A CRD's schema uses every field of upstream's JSONSchemaProps, {@code additionalProperties} (a
 * schema or a boolean) among them: none of them is an unknown field.
 */
class SchemaPropsFieldsTest {

  private final ResourceType crds =
      ResourceCatalog.builtIns()
          .find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
          .orElseThrow();

  private static ObjectNode crd(String additional) throws Exception {
    String json =
        ("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',"
                + "'metadata':{'name':'widgets.example.com'},'spec':{'group':'example.com',"
                + "'names':{'plural':'widgets','kind':'Widget'},'scope':'Namespaced',"
                + "'versions':[{'name':'v1','served':true,'storage':true,'schema':"
                + "{'openAPIV3Schema':{'type':'object','additionalProperties':false,"
                + "'properties':{'spec':{'type':'object','properties':{'labels':"
                + "{'type':'object','additionalProperties':ADDITIONAL}}}}}}}]}}")
            .replace('\'', '"')
            .replace("ADDITIONAL", additional);
    return (ObjectNode) new ObjectMapper().readTree(json);
  }

  @Test
  void additionalPropertiesAsASchemaIsAKnownField() throws Exception {
    ObjectNode crd = crd("{\"type\":\"string\"}");
    assertThat(TypedRoundTrip.apply(crds, crd, true).unknownFields()).isEmpty();
    assertThat(
            crd.at(
                    "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/labels"
                        + "/additionalProperties/type")
                .asText())
        .isEqualTo("string");
  }

  @Test
  void additionalPropertiesAsABooleanIsAKnownField() throws Exception {
    ObjectNode crd = crd("false");
    assertThat(TypedRoundTrip.apply(crds, crd, true).unknownFields()).isEmpty();
    assertThat(crd.at("/spec/versions/0/schema/openAPIV3Schema/additionalProperties").isBoolean())
        .isTrue();
  }

  @Test
  void aFieldJsonSchemaPropsDoesNotHaveIsStillUnknown() throws Exception {
    ObjectNode crd = crd("true,\"bogus\":1");
    assertThat(TypedRoundTrip.apply(crds, crd, true).unknownFields())
        .containsExactly(
            "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.labels.bogus");
  }
}
