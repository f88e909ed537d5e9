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
            "Apply failed with 2 conflicts: conflicts with \"a\" using v1:\n- .data.color\n"
                + "conflicts with \"c\" using v1:\n- .data.color");
    assertThat(status.path("details").path("causes")).hasSize(2);
    assertThat(json(admin.get(CM)).path("data").path("color").asText()).isEqualTo("blue");

    HttpResponse<String> forced = apply("b", "red", true);
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    assertThat(json(forced).path("data").path("color").asText()).isEqualTo("red");
    assertThat(colorOwners(json(forced))).containsExactly("b");
  }
}
