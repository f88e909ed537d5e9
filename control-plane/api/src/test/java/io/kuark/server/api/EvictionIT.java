package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pods/eviction against PodDisruptionBudgets, through a real API server. */
class EvictionIT {

  static final String PODS = "/api/v1/namespaces/evict/pods";
  static final String PDBS = "/apis/policy/v1/namespaces/evict/poddisruptionbudgets";
  static TestApiServer api;
  static RawClient admin;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = new RawClient(api, true);
    ok(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"evict\"}}"));
    api.createDefaultServiceAccount("evict");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode json(HttpResponse<String> r) {
    return Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static HttpResponse<String> ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
    return r;
  }

  private static void pod(String name, String app, boolean ready) {
    ok(
        admin.post(
            PODS,
            "{\"metadata\":{\"name\":\""
                + name
                + "\",\"labels\":{\"app\":\""
                + app
                + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
    ok(
        admin.send(
            "PATCH",
            PODS + "/" + name + "/status",
            "application/merge-patch+json",
            "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                + (ready ? "True" : "False")
                + "\"}]}}"));
  }

  private static void budget(String name, String app, String spec) {
    ok(
        admin.post(
            PDBS,
            "{\"metadata\":{\"name\":\""
                + name
                + "\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\""
                + app
                + "\"}},"
                + spec
                + "}}"));
  }

  private static HttpResponse<String> evict(String pod, String query, String deleteOptions) {
    return admin.post(
        PODS + "/" + pod + "/eviction" + query,
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
            + pod
            + "\",\"namespace\":\"evict\"}"
            + (deleteOptions == null ? "" : ",\"deleteOptions\":" + deleteOptions)
            + "}");
  }

  @Test
  void budgetAllowsEvictionsUntilItWouldBeViolated() {
    pod("web-1", "web", true);
    pod("web-2", "web", true);
    pod("web-3", "web", true);
    budget("web", "web", "\"minAvailable\":2");

    HttpResponse<String> first = evict("web-1", "", null);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(json(first).path("status").asText()).isEqualTo("Success");
    assertThat(admin.get(PODS + "/web-1").statusCode()).isEqualTo(404);
    JsonNode status = json(admin.get(PDBS + "/web")).path("status");
    assertThat(status.path("disruptionsAllowed").asInt()).isZero();
    assertThat(status.path("currentHealthy").asInt()).isEqualTo(3);
    assertThat(status.path("desiredHealthy").asInt()).isEqualTo(2);
    assertThat(status.path("expectedPods").asInt()).isEqualTo(3);
    assertThat(status.path("disruptedPods").has("web-1")).isTrue();

    HttpResponse<String> second = evict("web-2", "", null);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    JsonNode refused = json(second);
    assertThat(refused.path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(refused.path("message").asText())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    JsonNode cause = refused.path("details").path("causes").get(0);
    assertThat(cause.path("reason").asText()).isEqualTo("DisruptionBudget");
    assertThat(cause.path("message").asText())
        .isEqualTo("The disruption budget web needs 2 healthy pods and has 2 currently");
    assertThat(admin.get(PODS + "/web-2").statusCode()).isEqualTo(200);
  }

  @Test
  void dryRunChecksTheBudgetButChangesNothing() {
    pod("db-1", "db", true);
    pod("db-2", "db", true);
    budget("db", "db", "\"maxUnavailable\":\"50%\"");
    HttpResponse<String> dry = evict("db-1", "?dryRun=All", null);
    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(201);
    HttpResponse<String> dryInBody = evict("db-1", "", "{\"dryRun\":[\"All\"]}");
    assertThat(dryInBody.statusCode()).as(dryInBody.body()).isEqualTo(201);
    assertThat(admin.get(PODS + "/db-1").statusCode()).isEqualTo(200);
    assertThat(json(admin.get(PDBS + "/db")).path("status").has("disruptedPods")).isFalse();
  }

  @Test
  void unhealthyAndPendingPodsAreEvictedWhileTheBudgetHolds() {
    pod("q-1", "q", true);
    pod("q-2", "q", true);
    pod("q-3", "q", false);
    budget("q", "q", "\"minAvailable\":2");
    // Not ready, budget met (2 healthy of 2 wanted): evicted without using up a disruption.
    assertThat(evict("q-3", "", null).statusCode()).isEqualTo(201);
    assertThat(json(admin.get(PDBS + "/q")).path("status").has("disruptedPods")).isFalse();
    // A pending pod is not running: budgets do not apply.
    ok(
        admin.post(
            PODS,
            "{\"metadata\":{\"name\":\"q-pending\",\"labels\":{\"app\":\"q\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
    assertThat(evict("q-pending", "", null).statusCode()).isEqualTo(201);
    assertThat(evict("q-1", "", null).statusCode()).isEqualTo(429);
  }

  @Test
  void badEvictions() {
    pod("x-1", "x", true);
    HttpResponse<String> mismatch =
        admin.post(
            PODS + "/x-1/eviction",
            "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"other\"}}");
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(json(mismatch).path("message").asText())
        .isEqualTo("name in URL does not match name in Eviction object");
    budget("x-a", "x", "\"minAvailable\":0");
    budget("x-b", "x", "\"minAvailable\":0");
    HttpResponse<String> two = evict("x-1", "", null);
    assertThat(two.statusCode()).isEqualTo(500);
    assertThat(json(two).path("message").asText())
        .contains("This pod has more than one PodDisruptionBudget");
    assertThat(evict("missing", "", null).statusCode()).isEqualTo(404);
  }
}
