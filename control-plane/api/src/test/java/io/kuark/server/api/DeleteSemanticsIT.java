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

/**
 * DELETE with propagation policies (the finalizers the garbage collector acts on), the deprecated
 * orphanDependents flag, invalid options and preconditions, against a real API server.
 */
class DeleteSemanticsIT {

  static final String CMS = "/api/v1/namespaces/default/configmaps";
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

  private static JsonNode create(String name, String finalizers) {
    HttpResponse<String> r =
        admin.post(
            CMS, "{\"metadata\":{\"name\":\"" + name + "\",\"finalizers\":[" + finalizers + "]}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  private static List<String> finalizers(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.path("metadata").path("finalizers").forEach(f -> out.add(f.asText()));
    return out;
  }

  private static HttpResponse<String> delete(String name, String query, String options) {
    return admin.send(
        "DELETE", CMS + "/" + name + query, options == null ? null : "application/json", options);
  }

  @Test
  void orphanLeavesTheObjectWithTheOrphanFinalizerUntilTheCollectorRemovesIt() {
    create("orphan", "");
    HttpResponse<String> r = delete("orphan", "?propagationPolicy=Orphan", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode marked = json(r);
    assertThat(marked.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(finalizers(marked)).containsExactly("orphan");
    assertThat(marked.path("metadata").has("deletionTimestamp")).isTrue();
    assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asInt()).isZero();
    assertThat(finalizers(json(admin.get(CMS + "/orphan")))).containsExactly("orphan");
    // What the garbage collector does once dependents are orphaned: drop the finalizer.
    admin.send(
        "PATCH",
        CMS + "/orphan",
        "application/merge-patch+json",
        "{\"metadata\":{\"finalizers\":null}}");
    assertThat(admin.get(CMS + "/orphan").statusCode()).isEqualTo(404);
  }

  @Test
  void foregroundAddsItsFinalizerNextToExistingOnes() {
    create("fg", "\"example.com/hold\"");
    HttpResponse<String> r =
        delete(
            "fg",
            "",
            "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Foreground\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(finalizers(json(r))).containsExactly("example.com/hold", "foregroundDeletion");
    assertThat(json(r).path("metadata").has("deletionTimestamp")).isTrue();
    // A later Background delete takes the collector's finalizer away again, as upstream does.
    HttpResponse<String> again = delete("fg", "?propagationPolicy=Background", null);
    assertThat(finalizers(json(again))).containsExactly("example.com/hold");
  }

  @Test
  void backgroundAndNoPolicyDeleteAtOnce() {
    create("bg", "");
    HttpResponse<String> r = delete("bg", "?propagationPolicy=Background", null);
    assertThat(json(r).path("kind").asText()).isEqualTo("Status");
    assertThat(json(r).path("status").asText()).isEqualTo("Success");
    assertThat(admin.get(CMS + "/bg").statusCode()).isEqualTo(404);
    create("plain", "");
    assertThat(json(delete("plain", "", null)).path("status").asText()).isEqualTo("Success");
    assertThat(admin.get(CMS + "/plain").statusCode()).isEqualTo(404);
  }

  @Test
  void deprecatedOrphanDependents() {
    create("od", "");
    HttpResponse<String> r = delete("od", "?orphanDependents=true", null);
    assertThat(finalizers(json(r))).containsExactly("orphan");
    create("od2", "\"orphan\"");
    // orphanDependents=false overrides the finalizer already on the object.
    HttpResponse<String> gone = delete("od2", "", "{\"orphanDependents\":false}");
    assertThat(json(gone).path("status").asText()).as(gone.body()).isEqualTo("Success");
  }

  @Test
  void dryRunChangesNothing() {
    create("dry", "");
    HttpResponse<String> r = delete("dry", "?propagationPolicy=Foreground&dryRun=All", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(finalizers(json(r))).containsExactly("foregroundDeletion");
    JsonNode stored = json(admin.get(CMS + "/dry"));
    assertThat(finalizers(stored)).isEmpty();
    assertThat(stored.path("metadata").has("deletionTimestamp")).isFalse();
  }

  @Test
  void invalidOptionsAre422() {
    create("bad", "");
    HttpResponse<String> r = delete("bad", "?propagationPolicy=Sideways", null);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(json(r).path("reason").asText()).isEqualTo("Invalid");
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
                + " \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\","
                + " \"nil\"");
    HttpResponse<String> both =
        delete("bad", "", "{\"orphanDependents\":true,\"propagationPolicy\":\"Orphan\"}");
    assertThat(both.statusCode()).isEqualTo(422);
    assertThat(json(both).path("message").asText())
        .endsWith("orphanDependents and deletionPropagation cannot be both set");
    assertThat(json(both).path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("propagationPolicy");
    assertThat(admin.get(CMS + "/bad").statusCode()).isEqualTo(200);
  }

  @Test
  void preconditionsConflict() {
    JsonNode created = create("pre", "");
    String uid = created.path("metadata").path("uid").asText();
    String rv = created.path("metadata").path("resourceVersion").asText();
    HttpResponse<String> wrongUid = delete("pre", "", "{\"preconditions\":{\"uid\":\"nope\"}}");
    assertThat(wrongUid.statusCode()).isEqualTo(409);
    assertThat(json(wrongUid).path("reason").asText()).isEqualTo("Conflict");
    assertThat(json(wrongUid).path("message").asText())
        .isEqualTo(
            "Operation cannot be fulfilled on configmaps \"pre\": Precondition failed: UID in"
                + " precondition: nope, UID in object meta: "
                + uid);
    HttpResponse<String> wrongRv =
        delete("pre", "", "{\"preconditions\":{\"resourceVersion\":\"1\"}}");
    assertThat(wrongRv.statusCode()).isEqualTo(409);
    assertThat(json(wrongRv).path("message").asText())
        .contains("Precondition failed: ResourceVersion in precondition: 1");
    HttpResponse<String> ok =
        delete(
            "pre",
            "",
            "{\"preconditions\":{\"uid\":\"" + uid + "\",\"resourceVersion\":\"" + rv + "\"}}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(admin.get(CMS + "/pre").statusCode()).isEqualTo(404);
  }
}
