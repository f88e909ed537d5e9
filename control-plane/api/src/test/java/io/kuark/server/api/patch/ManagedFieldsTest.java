package io.kuark.server.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {

  private static final ManagedFields.Manager A = new ManagedFields.Manager("a", "", "apps/v1");
  private static final ManagedFields.Manager B = new ManagedFields.Manager("b", "", "apps/v1");

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
            + "{'manager':'a','operation':'Apply','apiVersion':'apps/v1','subresource':'status',"
            + "'fieldsType':'FieldsV1','fieldsV1':{'f:status':{'f:replicas':{}}}}]},"
            + "'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'app','image':'nginx:1'}]}}},"
            + "'status':{'replicas':3}}");
  }

  /** Applies {@code config} as {@code who} the way PatchHandler does; returns the new object. */
  private static ObjectNode apply(
      ObjectNode live, String config, ManagedFields.Manager who, boolean force) {
    ObjectNode applied = json(config);
    ObjectNode merged = StrategicMergePatch.apply(live.deepCopy(), applied, true);
    ManagedFields.apply(live, applied, merged, who, ManagedFields.Scope.NO_STATUS, true, force);
    return merged;
  }

  private static List<String> owners(JsonNode object, String... path) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : object.path("metadata").path("managedFields")) {
      JsonNode n = e.path("fieldsV1");
      for (String key : path) {
        n = n.path(key);
      }
      if (!n.isMissingNode()) {
        out.add(e.path("manager").asText() + "/" + e.path("operation").asText());
      }
    }
    return out;
  }

  @Test
  void aDifferentValueForAnotherManagersFieldConflicts() {
    assertThatThrownBy(
            () ->
                apply(
                    current(),
                    "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'replicas':5}}",
                    B,
                    false))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(409);
              assertThat(e.reason()).isEqualTo("Conflict");
              assertThat(e.getMessage())
                  .isEqualTo("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas");
              JsonNode cause = e.status().path("details").path("causes").get(0);
              assertThat(cause.path("reason").asText()).isEqualTo("FieldManagerConflict");
              assertThat(cause.path("message").asText()).isEqualTo("conflict with \"a\"");
              assertThat(cause.path("field").asText()).isEqualTo(".spec.replicas");
            });
  }

  @Test
  void theSameValueIsSharedNotAConflict() {
    ObjectNode out =
        apply(
            current(),
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{'replicas':3,'template':{'spec':{'containers':"
                + "[{'name':'app','image':'nginx:1'}]}}}}",
            B,
            false);
    assertThat(owners(out, "f:spec", "f:replicas")).containsExactlyInAnyOrder("a/Apply", "b/Apply");
  }

  @Test
  void keyedListItemsArePrintedByKeyAndGroupedByManager() {
    assertThatThrownBy(
            () ->
                apply(
                    current(),
                    "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                        + "'spec':{'replicas':4,'template':{'spec':{'containers':"
                        + "[{'name':'app','image':'nginx:2'}]}}}}",
                    B,
                    false))
        .hasMessage(
            "Apply failed with 2 conflicts: conflicts with \"a\":\n"
                + "- .spec.replicas\n"
                + "- .spec.template.spec.containers[name=\"app\"].image");
  }

  @Test
  void forceMovesTheFieldsAwayFromTheOtherManager() {
    ObjectNode out =
        apply(
            current(),
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{'replicas':4,'template':{'spec':{'containers':"
                + "[{'name':'app','image':'nginx:2'}]}}}}",
            B,
            true);
    assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(4);
    assertThat(owners(out, "f:spec", "f:replicas")).containsExactly("b/Apply");
    String item = "k:{\"name\":\"app\"}";
    assertThat(owners(out, "f:spec", "f:template", "f:spec", "f:containers", item, "f:name"))
        .containsExactlyInAnyOrder("a/Apply", "b/Apply");
    assertThat(owners(out, "f:spec", "f:template", "f:spec", "f:containers", item, "f:image"))
        .containsExactly("b/Apply");
    // a's status entry is another manager and keeps its fields.
    assertThat(owners(out, "f:status", "f:replicas")).containsExactly("a/Apply");
  }

  @Test
  void anUpdateTakesTheFieldsItChangesFromAnApplierWithoutConflict() {
    ObjectNode live = current();
    ObjectNode next = live.deepCopy();
    ((ObjectNode) next.path("spec")).put("replicas", 7);
    ManagedFields.update(
        live, next, new ManagedFields.Manager("kubectl", "scale", "apps/v1"), true);
    JsonNode entries = next.path("metadata").path("managedFields");
    JsonNode last = entries.get(entries.size() - 1);
    assertThat(last.path("manager").asText()).isEqualTo("kubectl");
    assertThat(last.path("operation").asText()).isEqualTo("Update");
    assertThat(last.path("subresource").asText()).isEqualTo("scale");
    assertThat(last.path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
    assertThat(owners(next, "f:spec", "f:replicas")).containsExactly("kubectl/Update");
    assertThat(owners(next, "f:spec", "f:template")).containsExactly("a/Apply");

    // Applying the old value back now conflicts with the scaler, forcing takes it back.
    String config =
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'replicas':3}}";
    assertThatThrownBy(() -> apply(next, config, A, false))
        .hasMessage(
            "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\""
                + " using apps/v1: .spec.replicas");
    ObjectNode forced = apply(next, config, A, true);
    assertThat(owners(forced, "f:spec", "f:replicas")).containsExactly("a/Apply");
    assertThat(forced.path("spec").path("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void anApplierThatStillSendsTheScaledValueSharesIt() {
    ObjectNode live = current();
    ObjectNode next = live.deepCopy();
    ((ObjectNode) next.path("spec")).put("replicas", 7);
    ManagedFields.update(
        live, next, new ManagedFields.Manager("kubectl", "scale", "apps/v1"), true);
    ObjectNode out =
        apply(
            next,
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'replicas':7}}",
            A,
            false);
    assertThat(owners(out, "f:spec", "f:replicas"))
        .containsExactlyInAnyOrder("a/Apply", "kubectl/Update");
  }

  @Test
  void aCreateRecordsEveryFieldAsAnUpdateWithFreeFormMapsAsMembers() {
    ObjectNode cm =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','uid':'u',"
                + "'resourceVersion':'5','labels':{'app':'x'}},'data':{'k':'v'}}");
    ManagedFields.update(null, cm, new ManagedFields.Manager("kubectl-create", "", "v1"), true);
    JsonNode entry = cm.path("metadata").path("managedFields").get(0);
    assertThat(entry.path("operation").asText()).isEqualTo("Update");
    assertThat(entry.path("fieldsV1"))
        .isEqualTo(
            json("{'f:data':{'.':{},'f:k':{}},'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"));
  }

  @Test
  void fieldsAnApplierStopsSendingAreRemovedUnlessSomeoneElseOwnsThem() {
    ObjectNode live = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'}}");
    ObjectNode applied =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','labels':{'l':'1'}},"
                + "'data':{'a':'1','b':'2','c':'3'}}");
    ObjectNode first = applied.deepCopy();
    ManagedFields.apply(
        live, applied, first, cmManager("a"), ManagedFields.Scope.WHOLE, true, false);
    // Someone else edits data.c (an Update takes it), another applier shares data.b.
    ObjectNode edited = first.deepCopy();
    ((ObjectNode) edited.path("data")).put("c", "30");
    ManagedFields.update(first, edited, cmManager("kubectl-edit"), true);
    ObjectNode shared = applyCm(edited, "{'data':{'b':'2'}}", "other");

    ObjectNode out = applyCm(shared, "{'data':{'a':'1'}}", "a");
    assertThat(out.path("data")).isEqualTo(json("{'a':'1','b':'2','c':'30'}"));
    assertThat(out.path("metadata").has("labels")).isFalse();
    assertThat(owners(out, "f:data", "f:b")).containsExactly("other/Apply");

    ObjectNode none = applyCm(out, "{}", "a");
    assertThat(none.path("data")).isEqualTo(json("{'b':'2','c':'30'}"));
  }

  @Test
  void aKeyedListItemAnApplierStopsSendingIsRemovedWhole() {
    String withB =
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},'spec':{'template':"
            + "{'spec':{'containers':[{'name':'c','image':'i','env':[{'name':'A','value':'1'},"
            + "{'name':'B','value':'2'}]}]}}}}";
    ObjectNode live = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'}}");
    ObjectNode first = apply(live, withB, A, false);
    ObjectNode second = apply(first, withB.replace(",{'name':'B','value':'2'}", ""), A, false);
    assertThat(
            second.path("spec").path("template").path("spec").path("containers").get(0).path("env"))
        .isEqualTo(json("{'env':[{'name':'A','value':'1'}]}").get("env"));
  }

  private static ManagedFields.Manager cmManager(String name) {
    return new ManagedFields.Manager(name, "", "v1");
  }

  private static ObjectNode applyCm(ObjectNode live, String body, String manager) {
    ObjectNode applied = json(body);
    applied.put("apiVersion", "v1").put("kind", "ConfigMap");
    applied.with("metadata").put("name", "c");
    ObjectNode merged = StrategicMergePatch.apply(live.deepCopy(), applied, true);
    ManagedFields.apply(
        live, applied, merged, cmManager(manager), ManagedFields.Scope.WHOLE, true, false);
    return merged;
  }

  @Test
  void clientSentManagedFieldsResetWithAnEmptyList() {
    ObjectNode live = current();
    ObjectNode next = live.deepCopy();
    next.with("metadata").putArray("managedFields");
    ManagedFields.update(live, next, A, true);
    assertThat(next.path("metadata").has("managedFields")).isFalse();
  }

  /** A ConfigMap with data k1..k10, k<i> owned by Update manager m<i> written at second i. */
  private static ObjectNode writtenByTenUpdaters() {
    StringBuilder data = new StringBuilder();
    StringBuilder entries = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      data.append(i == 1 ? "" : ",").append("'k").append(i).append("':'v'");
      entries
          .append(",{'manager':'m")
          .append(String.format("%02d", i))
          .append("','operation':'Update','apiVersion':'v1','time':'2026-01-01T00:00:")
          .append(String.format("%02d", i))
          .append("Z','fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:k")
          .append(i)
          .append("':{}}}}");
    }
    return json(
        "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','managedFields':["
            + "{'manager':'applier','operation':'Apply','apiVersion':'v1',"
            + "'time':'2025-01-01T00:00:00Z','fieldsType':'FieldsV1',"
            + "'fieldsV1':{'f:metadata':{'f:labels':{'f:x':{}}}}}"
            + entries
            + "],'labels':{'x':'y'}},'data':{"
            + data
            + "}}");
  }

  private static ObjectNode updateData(ObjectNode live, String key, String manager) {
    ObjectNode next = live.deepCopy();
    ((ObjectNode) next.path("data")).put(key, "v");
    ManagedFields.update(live, next, new ManagedFields.Manager(manager, "", "v1"), true);
    return next;
  }

  private static List<String> managers(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : object.path("metadata").path("managedFields")) {
      out.add(e.path("manager").asText());
    }
    return out;
  }

  @Test
  void anEleventhUpdateManagerMergesTheOldestIntoAncientChanges() {
    ObjectNode next = updateData(writtenByTenUpdaters(), "k11", "newcomer");

    assertThat(managers(next))
        .containsExactly(
            "applier",
            "ancient-changes",
            "m03",
            "m04",
            "m05",
            "m06",
            "m07",
            "m08",
            "m09",
            "m10",
            "newcomer");
    JsonNode ancient = next.path("metadata").path("managedFields").get(1);
    assertThat(ancient.path("operation").asText()).isEqualTo("Update");
    assertThat(ancient.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(ancient.path("time").asText()).isEqualTo("2026-01-01T00:00:02Z");
    assertThat(ancient.path("fieldsV1")).isEqualTo(json("{'f:data':{'f:k1':{},'f:k2':{}}}"));
    // The applier is not an Update manager and is never merged.
    assertThat(owners(next, "f:metadata", "f:labels", "f:x")).containsExactly("applier/Apply");
  }

  @Test
  void laterUpdateManagersJoinTheExistingAncientChangesEntry() {
    ObjectNode once = updateData(writtenByTenUpdaters(), "k11", "newcomer");
    ObjectNode twice = updateData(once, "k12", "latecomer");

    List<String> managers = managers(twice);
    assertThat(managers.subList(0, 9))
        .containsExactly(
            "applier", "ancient-changes", "m04", "m05", "m06", "m07", "m08", "m09", "m10");
    // Both wrote just now, in the same second or not: their order follows their times.
    assertThat(managers.subList(9, 11)).containsExactlyInAnyOrder("newcomer", "latecomer");
    JsonNode ancient = twice.path("metadata").path("managedFields").get(1);
    assertThat(ancient.path("time").asText()).isEqualTo("2026-01-01T00:00:03Z");
    assertThat(ancient.path("fieldsV1"))
        .isEqualTo(json("{'f:data':{'f:k1':{},'f:k2':{},'f:k3':{}}}"));
  }

  @Test
  void tenUpdateManagersAreKeptAsTheyAre() {
    ObjectNode live = writtenByTenUpdaters();
    // m10 writes again: still ten Update managers, nothing merged.
    ObjectNode next = updateData(live, "k11", "m10");
    assertThat(managers(next)).doesNotContain("ancient-changes").hasSize(11);
  }
}
