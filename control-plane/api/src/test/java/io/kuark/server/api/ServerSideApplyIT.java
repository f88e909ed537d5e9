package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-side apply by several field managers: shared fields, conflicts, force. */
class ServerSideApplyIT {

  static final String CM = "/api/v1/namespaces/default/configmaps/shared";
  static TestApiServer api;
  static RawClient admin;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = new RawClient(api, true);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static HttpResponse<String> apply(String manager, String color, boolean force) {
    return admin.send(
        "PATCH",
        CM + "?fieldManager=" + manager + (force ? "&force=true" : ""),
        "application/apply-patch+yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  color: "
            + color
            + "\n");
  }

  private static List<String> colorOwners(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : object.path("metadata").path("managedFields")) {
      if (e.path("fieldsV1").path("f:data").has("f:color")) {
        out.add(e.path("manager").asText());
      }
    }
    return out;
  }

  /** As typed clients serialize a model: every empty list and map, which upstream never stores. */
  @Test
  void emptyOptionalListsAndMapsOfAnAppliedObjectAreNotStored() {
    String cm = "/api/v1/namespaces/default/configmaps/typed";
    String typed =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"typed\","
            + "\"finalizers\":[],\"annotations\":{}},\"data\":{\"k\":\"%s\"},\"binaryData\":{}}";
    for (String value : List.of("created", "updated")) {
      HttpResponse<String> applied =
          admin.send(
              "PATCH",
              cm + "?fieldManager=typed",
              "application/apply-patch+yaml",
              typed.formatted(value));
      assertThat(applied.statusCode()).as(applied.body()).isBetween(200, 201);
      JsonNode stored = json(admin.get(cm));
      assertThat(stored.path("data").path("k").asText()).isEqualTo(value);
      assertThat(stored.has("binaryData")).isFalse();
      assertThat(stored.path("metadata").has("finalizers")).isFalse();
      assertThat(stored.path("metadata").has("annotations")).isFalse();
    }
  }

  @Test
  void managersShareEqualValuesConflictOnOthersAndForceTakesOver() {
    assertThat(apply("a", "blue", false).statusCode()).isEqualTo(201);
    String rv = json(admin.get(CM)).path("metadata").path("resourceVersion").asText();
    HttpResponse<String> again = apply("a", "blue", false);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("metadata").path("resourceVersion").asText()).isEqualTo(rv);

    HttpResponse<String> shared = apply("c", "blue", false);
    assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
    assertThat(colorOwners(json(shared))).containsExactlyInAnyOrder("a", "c");

    HttpResponse<String> conflict = apply("b", "red", false);
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonNode status = json(conflict);
    assertThat(status.path("reason").asText()).isEqualTo("Conflict");
    assertThat(status.path("message").asText())
        .isEqualTo(
            "Apply failed with 2 conflicts: conflicts with \"a\":\n- .data.color\n"
                + "conflicts with \"c\":\n- .data.color");
    assertThat(status.path("details").path("causes")).hasSize(2);
    assertThat(json(admin.get(CM)).path("data").path("color").asText()).isEqualTo("blue");

    HttpResponse<String> forced = apply("b", "red", true);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    assertThat(json(forced).path("data").path("color").asText()).isEqualTo("red");
    assertThat(colorOwners(json(forced))).containsExactly("b");
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

  private static HttpResponse<String> applyYaml(String path, String manager, String yaml) {
    return admin.send(
        "PATCH", path + "?fieldManager=" + manager, "application/apply-patch+yaml", yaml);
  }

  @Test
  void createUpdateAndPatchAreRecordedAsUpdatesOfTheirFieldManager() {
    String base = "/api/v1/namespaces/default/configmaps";
    HttpResponse<String> created =
        admin.send(
            "POST",
            base + "?fieldManager=creator",
            "application/json",
            "{\"metadata\":{\"name\":\"tracked\",\"labels\":{\"app\":\"x\"}},\"data\":{\"k\":\"1\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(owners(json(created), "f:data", "f:k")).containsExactly("creator/Update");
    assertThat(owners(json(created), "f:metadata", "f:labels", "f:app"))
        .containsExactly("creator/Update");

    JsonNode current = json(admin.get(base + "/tracked"));
    String put =
        "{\"metadata\":{\"name\":\"tracked\",\"resourceVersion\":\""
            + current.path("metadata").path("resourceVersion").asText()
            + "\",\"labels\":{\"app\":\"x\"}},\"data\":{\"k\":\"2\"}}";
    HttpResponse<String> updated =
        admin.send("PUT", base + "/tracked?fieldManager=editor", "application/json", put);
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(owners(json(updated), "f:data", "f:k")).containsExactly("editor/Update");
    assertThat(owners(json(updated), "f:metadata", "f:labels", "f:app"))
        .containsExactly("creator/Update");

    // Without fieldManager the manager is the User-Agent's product, as upstream.
    HttpResponse<String> patched =
        admin.send(
            "PATCH",
            base + "/tracked",
            "application/merge-patch+json",
            "{\"data\":{\"other\":\"v\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(owners(json(patched), "f:data", "f:other"))
        .containsExactly("Java-http-client/Update");

    // A no-op update records nothing and keeps the resourceVersion.
    String rv = json(patched).path("metadata").path("resourceVersion").asText();
    HttpResponse<String> noop =
        admin.send(
            "PATCH",
            base + "/tracked?fieldManager=idle",
            "application/merge-patch+json",
            "{\"data\":{\"other\":\"v\"}}");
    assertThat(json(noop).path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
    assertThat(noop.body()).doesNotContain("\"idle\"");
  }

  @Test
  void anUpdateTakesAnAppliedFieldAndApplyingTheOldValueThenConflicts() {
    String cm = "/api/v1/namespaces/default/configmaps/edited";
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\ndata:\n  color: ";
    assertThat(applyYaml(cm, "a", yaml + "blue\n").statusCode()).isEqualTo(201);
    HttpResponse<String> edit =
        admin.send(
            "PATCH",
            cm + "?fieldManager=kubectl-edit",
            "application/strategic-merge-patch+json",
            "{\"data\":{\"color\":\"green\"}}");
    assertThat(edit.statusCode()).as(edit.body()).isEqualTo(200);
    assertThat(owners(json(edit), "f:data", "f:color")).containsExactly("kubectl-edit/Update");

    HttpResponse<String> conflict = applyYaml(cm, "a", yaml + "blue\n");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict).path("message").asText())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.color");

    HttpResponse<String> same = applyYaml(cm, "a", yaml + "green\n");
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(owners(json(same), "f:data", "f:color"))
        .containsExactlyInAnyOrder("a/Apply", "kubectl-edit/Update");
  }

  @Test
  void scaleThenApplyConflictsOnReplicasUnlessTheApplierLeavesThemOut() {
    String base = "/apis/apps/v1/namespaces/default/deployments";
    String deploy = base + "/scaled";
    String head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scaled\nspec:\n";
    String rest =
        "  selector:\n    matchLabels:\n      app: s\n  template:\n    metadata:\n"
            + "      labels:\n        app: s\n    spec:\n      containers:\n"
            + "      - name: c\n        image: busybox\n";
    HttpResponse<String> created = applyYaml(deploy, "ci", head + "  replicas: 1\n" + rest);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> scaled =
        admin.send(
            "PATCH",
            deploy + "/scale?fieldManager=kubectl-scale",
            "application/merge-patch+json",
            "{\"spec\":{\"replicas\":3}}");
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    JsonNode afterScale = json(admin.get(deploy));
    assertThat(owners(afterScale, "f:spec", "f:replicas")).containsExactly("kubectl-scale/Update");
    JsonNode scaleEntry = null;
    for (JsonNode e : afterScale.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals("kubectl-scale")) {
        scaleEntry = e;
      }
    }
    assertThat(scaleEntry.path("subresource").asText()).isEqualTo("scale");
    assertThat(scaleEntry.path("apiVersion").asText()).isEqualTo("apps/v1");

    HttpResponse<String> conflict = applyYaml(deploy, "ci", head + "  replicas: 1\n" + rest);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict).path("message").asText())
        .isEqualTo(
            "Apply failed with 1 conflict: conflict with \"kubectl-scale\" with subresource"
                + " \"scale\" using apps/v1: .spec.replicas");

    // Leaving replicas out of the configuration is upstream's advice: no conflict, and the
    // scaler's value stays because the scaler owns it.
    HttpResponse<String> without = applyYaml(deploy, "ci", head + rest);
    assertThat(without.statusCode()).as(without.body()).isEqualTo(200);
    assertThat(json(without).path("spec").path("replicas").asInt()).isEqualTo(3);

    HttpResponse<String> forced =
        admin.send(
            "PATCH",
            deploy + "?fieldManager=ci&force=true",
            "application/apply-patch+yaml",
            head + "  replicas: 2\n" + rest);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    assertThat(json(forced).path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(owners(json(forced), "f:spec", "f:replicas")).containsExactly("ci/Apply");
  }

  /**
   * Upstream compares an apply configuration as sent with the stored object: a time that differs
   * from the stored one only by what upstream's encoding drops (fractional seconds of a Time) is
   * still another value, so it conflicts with the field's owner; the stored value is re-encoded.
   */
  @Test
  void anAppliedTimeIsComparedAsSentAndStoredAsEncoded() {
    String event = "/api/v1/namespaces/default/events/timed";
    String head =
        "apiVersion: v1\nkind: Event\nmetadata:\n  name: timed\ninvolvedObject:\n"
            + "  kind: Pod\n  name: p\nlastTimestamp: ";
    HttpResponse<String> created = applyYaml(event, "a", head + "\"2026-11-28T10:00:00Z\"\n");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> conflict = applyYaml(event, "b", head + "\"2026-11-28T10:00:00.5Z\"\n");
    assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
    assertThat(json(conflict).path("message").asText())
        .isEqualTo("Apply failed with 1 conflict: conflict with \"a\": .lastTimestamp");

    HttpResponse<String> same = applyYaml(event, "b", head + "\"2026-11-28T10:00:00Z\"\n");
    assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
    assertThat(owners(json(same), "f:lastTimestamp"))
        .containsExactlyInAnyOrder("a/Apply", "b/Apply");

    HttpResponse<String> own = applyYaml(event, "a", head + "\"2026-11-28T10:00:00.5Z\"\n");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(409);
    HttpResponse<String> forced =
        admin.send(
            "PATCH",
            event + "?fieldManager=a&force=true",
            "application/apply-patch+yaml",
            head + "\"2026-11-28T10:00:00.5Z\"\n");
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    assertThat(json(forced).path("lastTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");
  }

  /** Upstream's field manager cannot type an apply configuration with fields its kind lacks. */
  @Test
  void anApplyConfigurationWithUnknownFieldsIsRejectedWhateverFieldValidationSays() {
    String cm = "/api/v1/namespaces/default/configmaps/unknown";
    for (String validation : List.of("Ignore", "Warn", "Strict")) {
      HttpResponse<String> r =
          admin.send(
              "PATCH",
              cm + "?fieldManager=a&fieldValidation=" + validation,
              "application/apply-patch+yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unknown\n"
                  + "  namespace: default\nbogus: 1\ndata:\n  k: v\n");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
      assertThat(json(r).path("message").asText())
          .isEqualTo(
              "failed to create typed patch object (default/unknown; /v1, Kind=ConfigMap):"
                  + " .bogus: field not declared in schema");
    }
    assertThat(admin.get(cm).statusCode()).isEqualTo(404);
  }

  @Test
  void fieldsAnApplierStopsSendingAreRemoved() {
    String cm = "/api/v1/namespaces/default/configmaps/pruned";
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pruned\n";
    HttpResponse<String> first =
        applyYaml(cm, "a", yaml + "  labels:\n    tier: web\ndata:\n  one: '1'\n  two: '2'\n");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    // Another applier shares "two"; an updater adds "three".
    assertThat(applyYaml(cm, "b", yaml + "data:\n  two: '2'\n").statusCode()).isEqualTo(200);
    assertThat(
            admin
                .send(
                    "PATCH",
                    cm + "?fieldManager=editor",
                    "application/merge-patch+json",
                    "{\"data\":{\"three\":\"3\"}}")
                .statusCode())
        .isEqualTo(200);

    HttpResponse<String> dropped = applyYaml(cm, "a", yaml + "data:\n  one: '1'\n");
    assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
    JsonNode out = json(dropped);
    assertThat(out.path("metadata").has("labels")).isFalse();
    assertThat(out.path("data").path("one").asText()).isEqualTo("1");
    assertThat(out.path("data").path("two").asText()).isEqualTo("2");
    assertThat(out.path("data").path("three").asText()).isEqualTo("3");

    HttpResponse<String> last = applyYaml(cm, "b", yaml);
    assertThat(json(last).path("data").has("two")).isFalse();
  }
}
