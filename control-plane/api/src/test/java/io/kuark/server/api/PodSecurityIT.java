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
  void podUpdatesThatChangeWhatRunsAreEvaluatedOthersAreNot() {
    namespace("psa-update", "{}");
    ok(
        pod(
            "psa-update",
            "host",
            "{\"hostNetwork\":true,\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"}]}"));
    // Tightened after the pod was admitted (allowed, with a warning about existing pods).
    ok(
        admin.send(
            "PATCH",
            "/api/v1/namespaces/psa-update",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"baseline\"}}}"));
    // A label change does not change what runs: not evaluated, as upstream.
    ok(
        admin.send(
            "PATCH",
            "/api/v1/namespaces/psa-update/pods/host",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}"));
    // A new image is: the whole pod must meet the namespace's level now.
    HttpResponse<String> r =
        admin.send(
            "PATCH",
            "/api/v1/namespaces/psa-update/pods/host",
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"busybox:2\"}]}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "pods \"host\" is forbidden: violates PodSecurity \"baseline:latest\": host"
                + " namespaces (hostNetwork=true)");
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

  /**
   * {@code --admission-control-config-file}: defaults for unlabelled namespaces, exempt namespaces,
   * users and runtime classes, version labels, and audit mode's annotation (written to the {@code
   * io.kuark.server.audit} log, as Kuark keeps no audit log).
   */
  @Test
  void admissionConfigurationDefaultsExemptionsVersionsAndAudit() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("admission", ".yaml");
    java.util.List<String> auditLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger auditLog = java.util.logging.Logger.getLogger("io.kuark.server.audit");
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            String msg = r.getMessage();
            if (r.getParameters() != null && r.getParameters().length > 0) {
              msg = String.format(msg, r.getParameters());
            }
            auditLines.add(msg);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    auditLog.addHandler(capture);
    try {
      java.nio.file.Files.writeString(
          file,
          "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"
              + "- name: PodSecurity\n  configuration:\n"
              + "    apiVersion: pod-security.admission.config.k8s.io/v1\n"
              + "    kind: PodSecurityConfiguration\n"
              + "    defaults:\n      enforce: baseline\n      audit: restricted\n"
              + "    exemptions:\n      usernames: [ops]\n      runtimeClasses: [kata]\n"
              + "      namespaces: [legacy]\n");
      try (TestApiServer own =
          new TestApiServer(java.util.function.UnaryOperator.identity(), file)) {
        RawClient root = new RawClient(own, true);
        for (String ns : new String[] {"plain", "legacy"}) {
          ok(root.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}"));
          own.createDefaultServiceAccount(ns);
        }
        String privileged =
            "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\","
                + "\"securityContext\":{\"privileged\":true}}]}";
        // The default enforce level applies where no label says otherwise.
        HttpResponse<String> r = podIn(root, "plain", "p1", privileged);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("message").asText())
            .startsWith("pods \"p1\" is forbidden: violates PodSecurity \"baseline:latest\":");
        // Exempt namespace, user (impersonated by the admin) and runtime class pass.
        ok(podIn(root, "legacy", "p2", privileged));
        java.net.http.HttpResponse<String> asOps =
            java.net.http.HttpClient.newBuilder()
                .sslContext(RawClient.sslContext(own.pki, true))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(own.url() + "/api/v1/namespaces/plain/pods"))
                        .header("Impersonate-User", "ops")
                        .header("Impersonate-Group", "system:masters")
                        .header("Content-Type", "application/json")
                        .POST(
                            java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"metadata\":{\"name\":\"p3\"},\"spec\":" + privileged + "}"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        ok(asOps);
        ok(
            podIn(
                root,
                "plain",
                "p4",
                privileged.replace(
                    "{\"containers\"", "{\"runtimeClassName\":\"kata\",\"containers\"")));
        assertThat(auditLines)
            .anyMatch(l -> l.contains("object=legacy/p2") && l.contains("exempt=namespace"))
            .anyMatch(l -> l.contains("object=plain/p3") && l.contains("exempt=user"))
            .anyMatch(l -> l.contains("object=plain/p4") && l.contains("exempt=runtimeClass"));
        // Audit (restricted by default) annotates a pod that enforce (baseline) admits.
        ok(
            podIn(
                root,
                "plain",
                "p5",
                "{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\"}]}"));
        assertThat(auditLines)
            .anyMatch(
                l ->
                    l.contains("object=plain/p5")
                        && l.contains(
                            "pod-security.kubernetes.io/audit-violations=would violate PodSecurity"
                                + " \"restricted:latest\": allowPrivilegeEscalation != false"));
        // A version label picks that version's checks: runAsUser=0 is allowed before v1.23.
        ok(
            root.post(
                "/api/v1/namespaces",
                "{\"metadata\":{\"name\":\"pinned\",\"labels\":{"
                    + "\"pod-security.kubernetes.io/enforce\":\"restricted\","
                    + "\"pod-security.kubernetes.io/enforce-version\":\"v1.22\"}}}"));
        own.createDefaultServiceAccount("pinned");
        String rootUser =
            "{\"securityContext\":{\"runAsNonRoot\":true},\"containers\":[{\"name\":\"app\","
                + "\"image\":\"busybox\",\"securityContext\":{\"runAsUser\":0,"
                + "\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]},"
                + "\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}}]}";
        ok(podIn(root, "pinned", "old-rules", rootUser));
        ok(
            root.send(
                "PATCH",
                "/api/v1/namespaces/pinned",
                "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce-version\":\"latest\"}}}"));
        HttpResponse<String> latest = podIn(root, "pinned", "new-rules", rootUser);
        assertThat(latest.statusCode()).isEqualTo(403);
        assertThat(json(latest).path("message").asText())
            .isEqualTo(
                "pods \"new-rules\" is forbidden: violates PodSecurity \"restricted:latest\":"
                    + " runAsUser=0 (container \"app\" must not set runAsUser=0)");
      }
    } finally {
      auditLog.removeHandler(capture);
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  static HttpResponse<String> podIn(RawClient c, String ns, String name, String spec) {
    return c.post(
        "/api/v1/namespaces/" + ns + "/pods",
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
  }
}
