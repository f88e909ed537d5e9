package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Status codes, reasons and watch semantics over plain HTTPS against an in-process server. */
class ApiSemanticsIT {

  static TestApiServer api;
  static RawClient admin;
  static RawClient anonymous;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = new RawClient(api, true);
    anonymous = new RawClient(api, false);
    admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"sem\"}}");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static void assertStatus(HttpResponse<String> r, int code, String reason) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
    JsonNode s = json(r);
    assertThat(s.path("kind").asText()).isEqualTo("Status");
    assertThat(s.path("reason").asText()).isEqualTo(reason);
    assertThat(s.path("code").asInt()).isEqualTo(code);
  }

  @Test
  void anonymousOnlyReachesHealthAndVersion() {
    assertStatus(anonymous.get("/api/v1/namespaces"), 401, "Unauthorized");
    assertThat(anonymous.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/readyz?verbose").body()).contains("[+]etcd ok");
    assertThat(anonymous.get("/version").body()).contains("v1.33.0-kuark");
  }

  @Test
  void errorsAreUpstreamStatuses() {
    String cms = "/api/v1/namespaces/sem/configmaps";
    assertStatus(admin.post(cms, "{\"metadata\":{\"name\":\"bad\""), 400, "BadRequest");
    assertStatus(admin.get(cms + "/missing"), 404, "NotFound");
    assertThat(admin.post(cms, "{\"metadata\":{\"name\":\"e1\"}}").statusCode()).isEqualTo(201);
    assertStatus(admin.post(cms, "{\"metadata\":{\"name\":\"e1\"}}"), 409, "AlreadyExists");
    assertStatus(
        admin.send(
            "PUT",
            cms + "/e1",
            "application/json",
            "{\"metadata\":{\"name\":\"e1\",\"resourceVersion\":\"1\"}}"),
        409,
        "Conflict");
    assertStatus(admin.send("PATCH", cms + "/e1", "text/plain", "{}"), 415, "UnsupportedMediaType");
    assertStatus(
        admin.send("POST", cms + "/e1", "application/json", "{}"), 405, "MethodNotAllowed");
    assertStatus(admin.post(cms, "{\"metadata\":{\"name\":\"Bad_Name\"}}"), 422, "Invalid");
    assertThat(
            json(admin.post(cms, "{\"metadata\":{\"name\":\"Bad_Name\"}}"))
                .path("details")
                .path("causes")
                .get(0)
                .path("field")
                .asText())
        .isEqualTo("metadata.name");
    String big =
        "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\""
            + "x".repeat(3 * 1024 * 1024 + 10)
            + "\"}}";
    assertThat(admin.post(cms, big).statusCode()).isEqualTo(413);
    assertStatus(admin.get(cms + "/big"), 404, "NotFound");
    // YAML bodies are accepted too.
    assertThat(
            admin
                .send("POST", cms, "application/yaml", "metadata:\n  name: y1\ndata:\n  k: v\n")
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  void dryRunWritesNothing() {
    String cms = "/api/v1/namespaces/sem/configmaps";
    assertThat(admin.post(cms + "?dryRun=All", "{\"metadata\":{\"name\":\"dry\"}}").statusCode())
        .isEqualTo(201);
    assertStatus(admin.get(cms + "/dry"), 404, "NotFound");
  }

  @Test
  void finalizersKeepObjectsUntilRemoved() {
    String cms = "/api/v1/namespaces/sem/configmaps";
    admin.post(cms, "{\"metadata\":{\"name\":\"fin\",\"finalizers\":[\"example.com/hold\"]}}");
    assertThat(admin.send("DELETE", cms + "/fin", null, null).statusCode()).isEqualTo(200);
    JsonNode marked = json(admin.get(cms + "/fin"));
    assertThat(marked.path("metadata").has("deletionTimestamp")).isTrue();
    HttpResponse<String> unblocked =
        admin.send(
            "PATCH",
            cms + "/fin",
            "application/json-patch+json",
            "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
    assertThat(unblocked.statusCode()).isEqualTo(200);
    assertStatus(admin.get(cms + "/fin"), 404, "NotFound");
  }

  /**
   * The official Java client sends every list and map of its models, empty ones too; upstream drops
   * those (omitempty), so a read-modify-write is not a change of the spec.
   */
  @Test
  void emptyOptionalListsAndMapsAreNotStored() {
    String pods = "/api/v1/namespaces/sem/pods";
    // No controllers here make the namespace's default ServiceAccount, which pods need.
    admin.post("/api/v1/namespaces/sem/serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}");
    assertThat(
            admin
                .post(
                    pods,
                    "{\"metadata\":{\"name\":\"empties\",\"annotations\":{}},\"spec\":{"
                        + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"args\":[]}]}}")
                .statusCode())
        .isEqualTo(201);
    JsonNode created = json(admin.get(pods + "/empties"));
    assertThat(created.path("metadata").has("annotations")).isFalse();
    assertThat(created.path("spec").path("containers").get(0).has("args")).isFalse();

    com.fasterxml.jackson.databind.node.ObjectNode edited = created.deepCopy();
    edited.with("metadata").putArray("finalizers");
    edited.with("spec").putObject("nodeSelector");
    edited.with("spec").putArray("hostAliases");
    ((com.fasterxml.jackson.databind.node.ObjectNode) edited.path("spec").path("containers").get(0))
        .putArray("env");
    HttpResponse<String> replaced =
        admin.send("PUT", pods + "/empties", "application/json", edited.toString());
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    JsonNode stored = json(replaced);
    assertThat(stored.path("metadata").has("finalizers")).isFalse();
    assertThat(stored.path("spec").has("nodeSelector")).isFalse();
    assertThat(stored.path("spec").path("containers").get(0).has("env")).isFalse();

    HttpResponse<String> patched =
        admin.send(
            "PATCH",
            pods + "/empties",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{}}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).path("metadata").has("labels")).isFalse();
  }

  /**
   * Upstream encodes a metav1.Time with whole seconds and a MicroTime with six fractional digits,
   * both in UTC, whatever the client sent; a time that does not parse is a 400.
   */
  @Test
  void timesAreStoredAsUpstreamEncodesThem() {
    String events = "/api/v1/namespaces/sem/events";
    HttpResponse<String> created =
        admin.post(
            events,
            "{\"metadata\":{\"name\":\"ev\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},"
                + "\"reason\":\"R\",\"firstTimestamp\":\"2026-11-28T10:00:00.123456Z\","
                + "\"lastTimestamp\":\"2026-11-28T12:00:01.5+02:00\","
                + "\"eventTime\":\"2026-11-28T10:00:00.123456789Z\",\"reportingComponent\":\"x\","
                + "\"reportingInstance\":\"y\",\"action\":\"A\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode stored = json(admin.get(events + "/ev"));
    assertThat(stored.path("firstTimestamp").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(stored.path("lastTimestamp").asText()).isEqualTo("2026-11-28T10:00:01Z");
    assertThat(stored.path("eventTime").asText()).isEqualTo("2026-11-28T10:00:00.123456Z");

    HttpResponse<String> patched =
        admin.send(
            "PATCH",
            events + "/ev",
            "application/merge-patch+json",
            "{\"series\":{\"count\":2,\"lastObservedTime\":\"2026-11-28T10:00:02Z\"}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(json(patched).path("series").path("lastObservedTime").asText())
        .isEqualTo("2026-11-28T10:00:02.000000Z");

    HttpResponse<String> bad =
        admin.send(
            "PATCH",
            events + "/ev",
            "application/merge-patch+json",
            "{\"lastTimestamp\":\"yesterday\"}");
    assertStatus(bad, 400, "BadRequest");
    assertThat(json(bad).path("message").asText())
        .contains("parsing time \"yesterday\" in lastTimestamp");
    assertStatus(
        admin.post(
            events,
            "{\"metadata\":{\"name\":\"ev2\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},"
                + "\"firstTimestamp\":\"2026-11-28T10:00Z\"}"),
        400,
        "BadRequest");
    assertThat(json(admin.get(events + "/ev")).path("lastTimestamp").asText())
        .isEqualTo("2026-11-28T10:00:01Z");
  }

  /**
   * fieldValidation applies to the object a JSON, merge or strategic merge patch produces, as
   * upstream: Strict is a 422 on the field "patch", Warn drops with a warning, Ignore drops.
   */
  @Test
  void patchesHonourFieldValidation() {
    String cms = "/api/v1/namespaces/sem/configmaps";
    admin.post(cms, "{\"metadata\":{\"name\":\"fv\"},\"data\":{\"k\":\"v\"}}");
    String merge = "{\"bogus\":1,\"data\":{\"k\":\"w\"}}";

    HttpResponse<String> strict =
        admin.send(
            "PATCH", cms + "/fv?fieldValidation=Strict", "application/merge-patch+json", merge);
    assertStatus(strict, 422, "Invalid");
    JsonNode cause = json(strict).path("details").path("causes").path(0);
    assertThat(cause.path("field").asText()).isEqualTo("patch");
    assertThat(cause.path("message").asText())
        .startsWith("Invalid value: \"{")
        .contains("\\\"bogus\\\":1")
        .endsWith("\": strict decoding error: unknown field \"bogus\"");
    assertThat(json(strict).path("message").asText()).startsWith(" \"\" is invalid: patch: ");

    HttpResponse<String> smp =
        admin.send(
            "PATCH",
            cms + "/fv?fieldValidation=Strict",
            "application/strategic-merge-patch+json",
            merge);
    assertStatus(smp, 422, "Invalid");
    assertThat(json(smp).path("details").path("causes").path(0).path("message").asText())
        .isEqualTo(
            "Invalid value: \"map[bogus:1 data:map[k:w]]\": strict decoding error:"
                + " unknown field \"bogus\"");

    HttpResponse<String> jsonPatch =
        admin.send(
            "PATCH",
            cms + "/fv?fieldValidation=Strict",
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/bogus\",\"value\":1}]");
    assertStatus(jsonPatch, 422, "Invalid");
    assertThat(json(admin.get(cms + "/fv")).path("data").path("k").asText()).isEqualTo("v");

    // Without the parameter upstream warns, as Warn.
    HttpResponse<String> warned =
        admin.send("PATCH", cms + "/fv", "application/merge-patch+json", merge);
    assertThat(warned.statusCode()).as(warned.body()).isEqualTo(200);
    assertThat(warned.headers().allValues("Warning"))
        .containsExactly("299 - \"unknown field \\\"bogus\\\"\"");
    assertThat(json(warned).has("bogus")).isFalse();
    assertThat(json(warned).path("data").path("k").asText()).isEqualTo("w");

    HttpResponse<String> ignored =
        admin.send(
            "PATCH",
            cms + "/fv?fieldValidation=Ignore",
            "application/strategic-merge-patch+json",
            "{\"bogus\":2,\"data\":{\"k\":\"x\"}}");
    assertThat(ignored.statusCode()).as(ignored.body()).isEqualTo(200);
    assertThat(ignored.headers().allValues("Warning")).isEmpty();
    assertThat(json(admin.get(cms + "/fv")).has("bogus")).isFalse();
    assertThat(json(admin.get(cms + "/fv")).path("data").path("k").asText()).isEqualTo("x");

    assertStatus(
        admin.send(
            "PATCH", cms + "/fv?fieldValidation=strict", "application/merge-patch+json", merge),
        400,
        "BadRequest");
  }

  /**
   * additionalProperties of a CRD's schema is no unknown field (upstream forbids it next to
   * properties, and a boolean one is covered by apimodel's SchemaPropsFieldsTest).
   */
  @Test
  void aCrdWithAdditionalPropertiesPassesStrictValidation() {
    String crd =
        ("{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',"
                + "'metadata':{'name':'gadgets.sem.example.com'},'spec':{'group':'sem.example.com',"
                + "'names':{'plural':'gadgets','kind':'Gadget'},'scope':'Namespaced',"
                + "'versions':[{'name':'v1','served':true,'storage':true,'schema':"
                + "{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
                + "'properties':{'labels':{'type':'object',"
                + "'additionalProperties':{'type':'string'}}}}}}}}]}}")
            .replace('\'', '"');
    HttpResponse<String> created =
        admin.send(
            "POST",
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldValidation=Strict",
            "application/json",
            crd);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode spec = json(created).at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    assertThat(spec.at("/properties/labels/additionalProperties/type").asText())
        .isEqualTo("string");
    admin.send(
        "DELETE",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.sem.example.com",
        null,
        null);
  }

  @Test
  void terminatingNamespaceRejectsNewContent() {
    admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"doomed\"}}");
    admin.send("DELETE", "/api/v1/namespaces/doomed", null, null);
    JsonNode ns = json(admin.get("/api/v1/namespaces/doomed"));
    assertThat(ns.path("status").path("phase").asText()).isEqualTo("Terminating");
    assertStatus(
        admin.post("/api/v1/namespaces/doomed/configmaps", "{\"metadata\":{\"name\":\"late\"}}"),
        403,
        "Forbidden");
    // The namespace controller's last step: removing the kubernetes finalizer deletes it.
    ns = json(admin.get("/api/v1/namespaces/doomed"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) ns.path("spec")).putArray("finalizers");
    assertThat(
            admin
                .send(
                    "PUT", "/api/v1/namespaces/doomed/finalize", "application/json", ns.toString())
                .statusCode())
        .isEqualTo(200);
    assertStatus(admin.get("/api/v1/namespaces/doomed"), 404, "NotFound");
  }

  @Test
  void watchResumesSendsInitialEventsAndOneStorageWatchServesMany() throws Exception {
    String cms = "/api/v1/namespaces/sem/configmaps";
    admin.post(cms, "{\"metadata\":{\"name\":\"w0\"}}");
    String rv = json(admin.get(cms)).path("metadata").path("resourceVersion").asText();
    int storageWatches = api.server.storageWatchCount();
    List<HttpResponse<InputStream>> watches = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      watches.add(admin.stream(cms + "?watch=true&resourceVersion=" + rv + "&timeoutSeconds=60"));
    }
    HttpResponse<InputStream> initial =
        admin.stream(
            cms
                + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=60");
    admin.post(cms, "{\"metadata\":{\"name\":\"w1\"}}");
    for (HttpResponse<InputStream> w : watches) {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(w.body(), StandardCharsets.UTF_8));
      JsonNode event =
          Json.parseBody(r.readLine().getBytes(StandardCharsets.UTF_8), "application/json");
      assertThat(event.path("type").asText()).isEqualTo("ADDED");
      assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("w1");
      w.body().close();
    }
    assertThat(api.server.storageWatchCount()).isEqualTo(storageWatches);
    BufferedReader r =
        new BufferedReader(new InputStreamReader(initial.body(), StandardCharsets.UTF_8));
    List<String> types = new ArrayList<>();
    boolean sawEnd = false;
    while (!sawEnd) {
      JsonNode event =
          Json.parseBody(r.readLine().getBytes(StandardCharsets.UTF_8), "application/json");
      types.add(event.path("type").asText());
      sawEnd =
          event.path("type").asText().equals("BOOKMARK")
              && event
                  .path("object")
                  .path("metadata")
                  .path("annotations")
                  .path("k8s.io/initial-events-end")
                  .asText()
                  .equals("true");
    }
    assertThat(types).contains("ADDED").endsWith("BOOKMARK");
    initial.body().close();
  }

  @Test
  void watchOlderThanTheCacheWindowIsExpired() throws Exception {
    String cms = "/api/v1/namespaces/sem/configmaps";
    String old = json(admin.get(cms)).path("metadata").path("resourceVersion").asText();
    admin.post(cms, "{\"metadata\":{\"name\":\"after\"}}");
    // A restarted API server's watch cache starts at the current revision, like upstream's.
    ApiServer restarted = ApiServer.start(api.bareSetup(TestApiServer.loopbackConfig(true)));
    try {
      RawClient client = new RawClient("https://127.0.0.1:" + restarted.port(), api.pki, true);
      HttpResponse<InputStream> w = client.stream(cms + "?watch=true&resourceVersion=" + old);
      BufferedReader r =
          new BufferedReader(new InputStreamReader(w.body(), StandardCharsets.UTF_8));
      JsonNode event =
          Json.parseBody(r.readLine().getBytes(StandardCharsets.UTF_8), "application/json");
      assertThat(event.path("type").asText()).isEqualTo("ERROR");
      assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
      assertThat(event.path("object").path("reason").asText()).isEqualTo("Expired");
      w.body().close();
    } finally {
      restarted.close();
    }
  }

  @Test
  void tableAndMetadataOutputs() {
    HttpResponse<String> table = admin.send("GET", "/api/v1/namespaces", null, null);
    assertThat(table.statusCode()).isEqualTo(200);
    RawClient c = admin;
    HttpResponse<String> t =
        c.sendWithAccept("/api/v1/namespaces", "application/json;as=Table;v=v1;g=meta.k8s.io");
    JsonNode doc = json(t);
    assertThat(doc.path("kind").asText()).isEqualTo("Table");
    assertThat(doc.path("columnDefinitions").get(1).path("name").asText()).isEqualTo("Status");
    HttpResponse<String> m =
        c.sendWithAccept(
            "/api/v1/namespaces",
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
    assertThat(json(m).path("kind").asText()).isEqualTo("PartialObjectMetadataList");
  }
}
