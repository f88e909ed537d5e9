package io.kuark.server.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import org.junit.jupiter.api.Test;

class JsonPatchTest {

  private static JsonNode json(String text) {
    return Json.parseBody(text.replace('\'', '"').getBytes(), "application/json");
  }

  @Test
  void addReplaceRemoveMoveCopyTest() {
    JsonNode doc = json("{'a':{'b':1},'l':[1,2],'x/y':0}");
    JsonNode out =
        JsonPatch.apply(
            doc,
            json(
                "[{'op':'add','path':'/l/-','value':3},{'op':'replace','path':'/a/b','value':2},"
                    + "{'op':'remove','path':'/x~1y'},{'op':'copy','from':'/a','path':'/c'},"
                    + "{'op':'move','from':'/l/0','path':'/first'},{'op':'test','path':'/a/b','value':2}]"));
    assertThat(out.toString())
        .isEqualTo("{\"a\":{\"b\":2},\"l\":[2,3],\"c\":{\"b\":2},\"first\":1}");
    assertThat(doc.toString()).contains("x/y");
  }

  @Test
  void failedTestAndMissingPathsAreErrors() {
    assertThatThrownBy(
            () -> JsonPatch.apply(json("{'a':1}"), json("[{'op':'test','path':'/a','value':2}]")))
        .isInstanceOf(PatchException.class);
    assertThatThrownBy(
            () -> JsonPatch.apply(json("{'a':1}"), json("[{'op':'remove','path':'/b'}]")))
        .isInstanceOf(PatchException.class);
  }

  @Test
  void mergePatchNullDeletes() {
    JsonNode out =
        MergePatch.apply(json("{'a':1,'b':{'c':1,'d':2}}"), json("{'a':null,'b':{'c':3}}"));
    assertThat(out.toString()).isEqualTo("{\"b\":{\"c\":3,\"d\":2}}");
  }
}
