package io.kuark.server.api;

import static io.kuark.server.api.QuotaAdmissionIT.json;
import static io.kuark.server.api.QuotaAdmissionIT.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PodSecurity admission against an in-process API server: enforce refuses with upstream's message,
 * warn answers with Warning headers (pods and workload templates), labels are validated, and
 * tightening a namespace warns about its existing pods.
 */
class PodSecurityIT {

  static TestApiServer api;
  static RawClient admin;

  static final String RESTRICTED_CONTAINER =
      "{\"name\":\"app\",\"image\":\"busybox\",\"securityContext\":{"
          + "\"allowPrivilegeEscalation\":false,\"runAsNonRoot\":true,"
          + "\"capabilities\":{\"drop\":[\"ALL\"]},\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}}";

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = new RawClient(api, true);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static void namespace(String ns, String labels) {
    ok(
        admin.post(
            "/api/v1/namespaces",
            "{\"metadata\":{\"name\":\"" + ns + "\",\"labels\":" + labels + "}}"));
    api.createDefaultServiceAccount(ns);
  }

  static HttpResponse<String> pod(String ns, String name, String spec) {
    return admin.post(
        "/api/v1/namespaces/" + ns + "/pods",
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
  }

  @Test
  void restrictedEnforceRefusesWithUpstreamMessage() {
    namespace("psa-restricted", "{\"pod-security.kubernetes.io/enforce\":\"restricted\"}");
    HttpResponse<String> r =
        pod(
            "psa-restricted",
            "bad",
            "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"},"
                + "{\"name\":\"side\",\"image\":\"busybox\"}]}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("reason").asText()).isEqualTo("Forbidden");
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "pods \"bad\" is forbidden: violates PodSecurity \"restricted:latest\":"
                + " allowPrivilegeEscalation != false (containers \"app\", \"side\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
                + " (containers \"app\", \"side\" must set"
                + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or"
                + " containers \"app\", \"side\" must set securityContext.runAsNonRoot=true),"
                + " seccompProfile (pod or containers \"app\", \"side\" must set"
                + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
    ok(pod("psa-restricted", "good", "{\"containers\":[" + RESTRICTED_CONTAINER + "]}"));
  }

  @Test
  void baselineRefusesHostAccessButAllowsDefaults() {
    namespace("psa-baseline", "{\"pod-security.kubernetes.io/enforce\":\"baseline\"}");
    HttpResponse<String> r =
        pod(
            "psa-baseline",
            "host",
            "{\"hostNetwork\":true,\"hostPID\":true,\"volumes\":[{\"name\":\"root\",\"hostPath\":"
                + "{\"path\":\"/\"}}],\"containers\":[{\"name\":\"app\",\"image\":\"busybox\","
                + "\"ports\":[{\"containerPort\":80,\"hostPort\":8080}],"
                + "\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"NET_ADMIN\",\"CHOWN\"]}}}]}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "pods \"host\" is forbidden: violates PodSecurity \"baseline:latest\": non-default"
                + " capabilities (container \"app\" must not include \"NET_ADMIN\" in"
                + " securityContext.capabilities.add), host namespaces (hostNetwork=true,"
                + " hostPID=true), hostPath volumes (volume \"root\"), hostPort (container \"app\""
                + " uses hostPort 8080), privileged (container \"app\" must not set"
                + " securityContext.privileged=true)");
    ok(pod("psa-baseline", "plain", "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"}]}"));
  }

  @Test
  void warnModeAddsWarningHeadersForPodsAndWorkloads() {
    namespace(
        "psa-warn",
        "{\"pod-security.kubernetes.io/enforce\":\"baseline\","
            + "\"pod-security.kubernetes.io/warn\":\"restricted\","
            + "\"pod-security.kubernetes.io/warn-version\":\"v1.30\"}");
    HttpResponse<String> r =
        pod("psa-warn", "p", "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"}]}");
    ok(r);
    assertThat(r.headers().allValues("Warning"))
        .containsExactly(
            "299 - \"would violate PodSecurity \\\"restricted:v1.30\\\": allowPrivilegeEscalation"
                + " != false (container \\\"app\\\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
                + " (container \\\"app\\\" must set"
                + " securityContext.capabilities.drop=[\\\"ALL\\\"]), runAsNonRoot != true (pod or"
                + " container \\\"app\\\" must set securityContext.runAsNonRoot=true),"
                + " seccompProfile (pod or container \\\"app\\\" must set"
                + " securityContext.seccompProfile.type to \\\"RuntimeDefault\\\" or"
                + " \\\"Localhost\\\")\"");
    // Workloads: warn applies to the template; enforce does not refuse them (their pods it will).
    HttpResponse<String> d =
        admin.post(
            "/apis/apps/v1/namespaces/psa-warn/deployments",
            "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"hostNetwork\":true,"
                + "\"containers\":["
                + RESTRICTED_CONTAINER
                + "]}}}}");
    ok(d);
    assertThat(d.headers().allValues("Warning"))
        .containsExactly(
            "299 - \"would violate PodSecurity \\\"restricted:v1.30\\\": host namespaces"
                + " (hostNetwork=true)\"");
  }

  @Test
  void invalidLabelsAreRefusedAndTighteningWarnsAboutExistingPods() {
    HttpResponse<String> bad =
        admin.post(
            "/api/v1/namespaces",
            "{\"metadata\":{\"name\":\"psa-bad\",\"labels\":{\"pod-security.kubernetes.io/enforce\":\"strict\"}}}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(json(bad).path("message").asText())
        .isEqualTo(
            "Namespace \"psa-bad\" is invalid:"
                + " metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\":"
                + " must be one of privileged, baseline, restricted");
    namespace("psa-tighten", "{}");
    ok(
        pod(
            "psa-tighten",
            "root",
            "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\",\"securityContext\":{\"privileged\":true}}]}"));
    HttpResponse<String> r =
        admin.send(
            "PATCH",
            "/api/v1/namespaces/psa-tighten",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"baseline\"}}}");
    ok(r);
    assertThat(r.headers().allValues("Warning"))
        .containsExactly(
            "299 - \"existing pods in namespace \\\"psa-tighten\\\" violate the new PodSecurity"
                + " enforce level \\\"baseline:latest\\\"\"",
            "299 - \"root: privileged\"");
  }
}
