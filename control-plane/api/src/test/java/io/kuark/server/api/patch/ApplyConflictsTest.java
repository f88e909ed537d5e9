package io.kuark.server.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyConflictsTest {

  private static ObjectNode json(String text) {
    return (ObjectNode)
        Json.parseBody(
            text.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** A Deployment owned by apply manager "a" (replicas, the app container's image). */
  private static ObjectNode current() {
    return json(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d','managedFields':["
            + "{'manager':'a','operation':'Apply','apiVersion':'apps/v1','fieldsType':'FieldsV1',"
            + "'fieldsV1':{'f:spec':{'f:replicas':{},'f:template':{'f:spec':{'f:containers':"
            + "{'k:{\\'name\\':\\'app\\'}':{'.':{},'f:name':{},'f:image':{}}}}}}}},"
            + "{'manager':'b','operation':'Apply','apiVersion':'apps/v1','fieldsType':'FieldsV1',"
            + "'fieldsV1':{'f:metadata':{'f:labels':{'f:x':{}}}}},"
            + "{'manager':'a','operation':'Apply','apiVersion':'v1','subresource':'status',"
            + "'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}]},"
            + "'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'app','image':'nginx:1'}]}}}}");
  }

  private static List<ApplyConflicts.Conflict> apply(String applied) {
    ObjectNode config = json(applied);
    return ApplyConflicts.find(current(), config, FieldSet.of(config, true), "b", "");
  }

  @Test
  void aDifferentValueForAnotherManagersFieldConflicts() {
    List<ApplyConflicts.Conflict> conflicts =
        apply(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'replicas':5}}");
    assertThat(conflicts).hasSize(1);
    ApiException e = ApplyConflicts.error(conflicts);
    assertThat(e.code()).isEqualTo(409);
    assertThat(e.reason()).isEqualTo("Conflict");
    assertThat(e.getMessage())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"a\" using apps/v1: .spec.replicas");
    JsonNode cause = e.status().path("details").path("causes").get(0);
    assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
    assertThat(cause.path("message").asText()).isEqualTo("conflict with \"a\" using apps/v1");
    assertThat(cause.path("field").asText()).isEqualTo(".spec.replicas");
  }

  @Test
  void theSameValueIsSharedNotAConflict() {
    assertThat(
            apply(
                "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                    + "'spec':{'replicas':3,'template':{'spec':{'containers':"
                    + "[{'name':'app','image':'nginx:1'}]}}}}"))
        .isEmpty();
  }

  @Test
  void keyedListItemsArePrintedByKeyAndGroupedByManager() {
    List<ApplyConflicts.Conflict> conflicts =
        apply(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{'replicas':4,'template':{'spec':{'containers':"
                + "[{'name':'app','image':'nginx:2'}]}}}}");
    assertThat(ApplyConflicts.error(conflicts).getMessage())
        .isEqualTo(
            "Apply failed with 2 conflicts: conflicts with \"a\" using apps/v1:\n"
                + "- .spec.replicas\n"
                + "- .spec.template.spec.containers[name=\"app\"].image");
  }

  @Test
  void forceMovesTheFieldsAwayFromTheOtherManager() {
    ObjectNode object = current();
    List<ApplyConflicts.Conflict> conflicts =
        apply(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{'replicas':4,'template':{'spec':{'containers':"
                + "[{'name':'app','image':'nginx:2'}]}}}}");
    ApplyConflicts.takeOwnership(object, conflicts);
    JsonNode a = object.path("metadata").path("managedFields").get(0);
    assertThat(a.path("manager").asText()).isEqualTo("a");
    assertThat(a.path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
    assertThat(
            a.path("fieldsV1")
                .path("f:spec")
                .path("f:template")
                .path("f:spec")
                .path("f:containers")
                .path("k:{\"name\":\"app\"}")
                .has("f:name"))
        .isTrue();
    // The status manager of the same name is another entry and keeps its fields.
    assertThat(object.path("metadata").path("managedFields")).hasSize(3);

    ObjectNode onlyReplicas = current();
    ObjectNode config = json("{'spec':{'replicas':9}}");
    ObjectNode owner = json("{'metadata':{'managedFields':[]}}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) owner.path("metadata").path("managedFields"))
        .add(
            json(
                "{'manager':'c','operation':'Apply','apiVersion':'apps/v1','fieldsV1':"
                    + "{'f:spec':{'f:replicas':{}}}}"));
    owner.set("spec", onlyReplicas.get("spec"));
    List<ApplyConflicts.Conflict> one =
        ApplyConflicts.find(owner, config, FieldSet.of(config, true), "b", "");
    ApplyConflicts.takeOwnership(owner, one);
    assertThat(owner.path("metadata").path("managedFields")).isEmpty();
  }
}
