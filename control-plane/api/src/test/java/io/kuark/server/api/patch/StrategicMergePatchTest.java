package io.kuark.server.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  private static ObjectNode json(String text) {
    return (ObjectNode) Json.parseBody(text.replace('\'', '"').getBytes(), "application/json");
  }

  private static final String POD =
      "{'spec':{'containers':[{'name':'a','image':'a:1','env':[{'name':'X','value':'1'}],"
          + "'ports':[{'containerPort':80}]},{'name':'b','image':'b:1'}],"
          + "'volumes':[{'name':'v','emptyDir':{}}]},"
          + "'metadata':{'finalizers':['f1'],'labels':{'app':'x'}}}";

  @Test
  void containersMergeByName() {
    ObjectNode out =
        StrategicMergePatch.apply(
            json(POD), json("{'spec':{'containers':[{'name':'b','image':'b:2'}]}}"), true);
    JsonNode containers = out.path("spec").path("containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asText()).isEqualTo("a:1");
    assertThat(containers.get(1).path("image").asText()).isEqualTo("b:2");
  }

  @Test
  void deleteDirectiveAndNestedEnvMerge() {
    ObjectNode out =
        StrategicMergePatch.apply(
            json(POD),
            json(
                "{'spec':{'containers':[{'name':'b','$patch':'delete'},"
                    + "{'name':'a','env':[{'name':'Y','value':'2'}]}]}}"),
            true);
    JsonNode containers = out.path("spec").path("containers");
    assertThat(containers).hasSize(1);
    assertThat(containers.get(0).path("env")).hasSize(2);
  }

  @Test
  void replaceDirectiveAndNullDeletes() {
    ObjectNode out =
        StrategicMergePatch.apply(
            json(POD),
            json(
                "{'spec':{'volumes':[{'name':'w','emptyDir':{}},{'$patch':'replace'}]},"
                    + "'metadata':{'labels':{'app':null}}}"),
            true);
    assertThat(out.path("spec").path("volumes")).hasSize(1);
    assertThat(out.path("spec").path("volumes").get(0).path("name").asText()).isEqualTo("w");
    assertThat(out.path("metadata").path("labels").has("app")).isFalse();
  }

  @Test
  void primitiveSetsUnionAndDeleteFromPrimitiveList() {
    ObjectNode added =
        StrategicMergePatch.apply(json(POD), json("{'metadata':{'finalizers':['f2','f1']}}"), true);
    assertThat(added.path("metadata").path("finalizers").toString()).isEqualTo("[\"f1\",\"f2\"]");
    ObjectNode removed =
        StrategicMergePatch.apply(
            added, json("{'metadata':{'$deleteFromPrimitiveList/finalizers':['f1']}}"), true);
    assertThat(removed.path("metadata").path("finalizers").toString()).isEqualTo("[\"f2\"]");
  }

  @Test
  void setElementOrderAndRetainKeys() {
    ObjectNode ordered =
        StrategicMergePatch.apply(
            json(POD),
            json("{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}"),
            true);
    assertThat(ordered.path("spec").path("containers").get(0).path("name").asText()).isEqualTo("b");
    ObjectNode strategy =
        StrategicMergePatch.apply(
            json("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}"),
            json("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"),
            true);
    assertThat(strategy.path("spec").path("strategy").toString())
        .isEqualTo("{\"type\":\"Recreate\"}");
  }

  @Test
  void customResourceListsAreReplaced() {
    ObjectNode out =
        StrategicMergePatch.apply(
            json("{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}"),
            json("{'spec':{'containers':[{'name':'c'}]}}"),
            false);
    assertThat(out.path("spec").path("containers")).hasSize(1);
  }

  @Test
  void servicePortsMergeOnPort() {
    ObjectNode out =
        StrategicMergePatch.apply(
            json("{'spec':{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}]}}"),
            json("{'spec':{'ports':[{'port':443,'targetPort':8443}]}}"),
            true);
    assertThat(out.path("spec").path("ports")).hasSize(2);
    assertThat(out.path("spec").path("ports").get(1).path("targetPort").asInt()).isEqualTo(8443);
  }
}
