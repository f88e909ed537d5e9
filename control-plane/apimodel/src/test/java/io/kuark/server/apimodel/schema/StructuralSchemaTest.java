package io.kuark.server.apimodel.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuralSchemaTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final JsonNode SCHEMA =
      json(
          "{'type':'object','properties':{"
              + "'spec':{'type':'object','required':['msg'],'properties':{"
              + "  'msg':{'type':'string','maxLength':5,'pattern':'^[a-z]+$'},"
              + "  'size':{'type':'integer','minimum':1,'maximum':10,'default':3},"
              + "  'mode':{'type':'string','enum':['fast','slow'],'default':'fast'},"
              + "  'port':{'x-kubernetes-int-or-string':true},"
              + "  'labels':{'type':'object','additionalProperties':{'type':'string'}},"
              + "  'items':{'type':'array','maxItems':2,'items':{'type':'object','properties':{'name':{'type':'string'},'v':{'type':'integer','default':1}}},"
              + "           'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name']},"
              + "  'free':{'type':'object','x-kubernetes-preserve-unknown-fields':true}}},"
              + "'status':{'type':'object','properties':{'ready':{'type':'boolean'}}}}}");

  @Test
  void defaultsPruneAndValidate() {
    ObjectNode cr =
        json(
            "{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w','labels':{'a':'b'}},"
                + "'spec':{'msg':'hi','extra':1,'items':[{'name':'a','junk':true}],'free':{'anything':{'goes':1}},'labels':{'x':'y'}},"
                + "'top':1}");
    StructuralSchema.applyDefaults(cr, SCHEMA);
    assertThat(cr.at("/spec/size").asInt()).isEqualTo(3);
    assertThat(cr.at("/spec/mode").asText()).isEqualTo("fast");
    assertThat(cr.at("/spec/items/0/v").asInt()).isEqualTo(1);
    List<String> pruned = StructuralSchema.prune(cr, SCHEMA);
    assertThat(pruned).containsExactlyInAnyOrder("spec.extra", "spec.items[0].junk", "top");
    assertThat(cr.at("/spec/free/anything/goes").asInt()).isEqualTo(1);
    assertThat(cr.at("/metadata/labels/a").asText()).isEqualTo("b");
    assertThat(cr.at("/spec/labels/x").asText()).isEqualTo("y");
    assertThat(SchemaValidator.validate(cr, SCHEMA)).isEmpty();
  }

  @Test
  void reportsViolationsLikeUpstream() {
    ObjectNode cr =
        json(
            "{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w'},"
                + "'spec':{'msg':'TooLongMsg','size':'big','mode':'medium','port':true,"
                + "'items':[{'name':'a'},{'name':'a'},{'name':'b'}],'labels':{'x':1}},'status':{'ready':'yes'}}");
    List<FieldError> errs = SchemaValidator.validate(cr, SCHEMA);
    assertThat(errs)
        .extracting(FieldError::toString)
        .contains(
            "spec.msg: Too long: may not be more than 5 bytes",
            "spec.msg: Invalid value: \"TooLongMsg\": spec.msg in body should match '^[a-z]+$'",
            "spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"",
            "spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"",
            "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer-or-string: \"boolean\"",
            "spec.items: Too many: 3: must have at most 2 items",
            "spec.labels.x: Invalid value: \"integer\": spec.labels.x in body must be of type string: \"integer\"",
            "status.ready: Invalid value: \"string\": status.ready in body must be of type boolean: \"string\"");
    assertThat(errs)
        .anySatisfy(
            e -> {
              assertThat(e.field()).isEqualTo("spec.items[1]");
              assertThat(e.reason()).isEqualTo("FieldValueDuplicate");
            });
    ObjectNode missing = json("{'spec':{'size':11}}");
    assertThat(SchemaValidator.validate(missing, SCHEMA))
        .extracting(FieldError::toString)
        .containsExactlyInAnyOrder(
            "spec.msg: Required value",
            "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10");
  }

  @Test
  void noSchemaMeansNothingToDo() {
    ObjectNode cr = json("{'spec':{'a':1}}");
    assertThat(StructuralSchema.prune(cr, null)).isEmpty();
    assertThat(SchemaValidator.validate(cr, null)).isEmpty();
    StructuralSchema.applyDefaults(cr, null);
    assertThat(cr.at("/spec/a").asInt()).isEqualTo(1);
  }
}
