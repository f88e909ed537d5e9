package io.kuark.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LimitRanger and ResourceQuota admission against an in-process API server: defaults and bounds of
 * LimitRanges, quota checks and charges with upstream's 403 messages. No controller runs here, so
 * the tests set a quota's status the way the quota controller does.
 */
class QuotaAdmissionIT {

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

  static void namespace(String ns) {
    ok(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}"));
    api.createDefaultServiceAccount(ns);
  }

  static String pod(String name, String resources) {
    return "{\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\""
        + (resources == null ? "" : ",\"resources\":" + resources)
        + "}]}}";
  }

  static HttpResponse<String> createPod(String ns, String name, String resources) {
    return admin.post("/api/v1/namespaces/" + ns + "/pods", pod(name, resources));
  }

  @Test
  void limitRangeDefaultsContainerResourcesAndNotesThem() {
    namespace("lr-defaults");
    ok(
        admin.post(
            "/api/v1/namespaces/lr-defaults/limitranges",
            "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
                + "\"default\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},"
                + "\"defaultRequest\":{\"cpu\":\"0.1\"}}]}}"));
    JsonNode range = json(admin.get("/api/v1/namespaces/lr-defaults/limitranges/lr"));
    // LimitRange defaulting: a default limit without a default request becomes the request.
    assertThat(range.at("/spec/limits/0/defaultRequest/memory").asText()).isEqualTo("256Mi");
    JsonNode pod = json(createPod("lr-defaults", "p", null));
    JsonNode res = pod.at("/spec/containers/0/resources");
    assertThat(res.at("/limits/cpu").asText()).isEqualTo("500m");
    assertThat(res.at("/limits/memory").asText()).isEqualTo("256Mi");
    assertThat(res.at("/requests/cpu").asText()).isEqualTo("100m");
    assertThat(res.at("/requests/memory").asText()).isEqualTo("256Mi");
    assertThat(pod.at("/metadata/annotations/kubernetes.io~1limit-ranger").asText())
        .isEqualTo(
            "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for"
                + " container app");
    // A stated limit becomes the request (pod defaulting), not the LimitRange's default request.
    JsonNode own = json(createPod("lr-defaults", "q", "{\"limits\":{\"cpu\":\"300m\"}}"));
    assertThat(own.at("/spec/containers/0/resources/requests/cpu").asText()).isEqualTo("300m");
  }

  @Test
  void limitRangeBoundsRefuseContainersPodsAndClaims() {
    namespace("lr-bounds");
    ok(
        admin.post(
            "/api/v1/namespaces/lr-bounds/limitranges",
            "{\"metadata\":{\"name\":\"lr\"},\"spec\":{\"limits\":["
                + "{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"},\"min\":{\"memory\":\"64Mi\"},"
                + "\"default\":{\"cpu\":\"200m\"},\"defaultRequest\":{\"memory\":\"64Mi\"},"
                + "\"maxLimitRequestRatio\":{\"cpu\":\"4\"}},"
                + "{\"type\":\"PersistentVolumeClaim\",\"max\":{\"storage\":\"1Gi\"}}]}}"));
    HttpResponse<String> big =
        createPod("lr-bounds", "big", "{\"limits\":{\"cpu\":\"2\",\"memory\":\"128Mi\"}}");
    assertThat(big.statusCode()).isEqualTo(403);
    assertThat(json(big).path("message").asText())
        .isEqualTo(
            "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
    HttpResponse<String> two =
        createPod(
            "lr-bounds",
            "two",
            "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"32Mi\"},\"limits\":{\"cpu\":\"800m\"}}");
    assertThat(two.statusCode()).isEqualTo(403);
    assertThat(json(two).path("message").asText())
        .isEqualTo(
            "pods \"two\" is forbidden: [minimum memory usage per Container is 64Mi, but request"
                + " is 32Mi, cpu max limit to request ratio per Container is 4, but provided ratio"
                + " is 8.000000]");
    assertThat(json(two).path("reason").asText()).isEqualTo("Forbidden");
    ok(createPod("lr-bounds", "fine", null));
    HttpResponse<String> claim =
        admin.post(
            "/api/v1/namespaces/lr-bounds/persistentvolumeclaims",
            "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}");
    assertThat(claim.statusCode()).isEqualTo(403);
    assertThat(json(claim).path("message").asText())
        .isEqualTo(
            "persistentvolumeclaims \"c\" is forbidden: maximum storage usage per"
                + " PersistentVolumeClaim is 1Gi, but request is 2Gi");
  }

  /** Creates a quota and acknowledges it as the quota controller would (hard, used). */
  static void quota(String ns, String name, String hard, String used) {
    ok(
        admin.post(
            "/api/v1/namespaces/" + ns + "/resourcequotas",
            "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"hard\":" + hard + "}}"));
    ok(
        admin.send(
            "PATCH",
            "/api/v1/namespaces/" + ns + "/resourcequotas/" + name + "/status",
            "application/merge-patch+json",
            "{\"status\":{\"hard\":" + hard + ",\"used\":" + used + "}}"));
  }

  static JsonNode used(String ns, String name) {
    return json(admin.get("/api/v1/namespaces/" + ns + "/resourcequotas/" + name))
        .at("/status/used");
  }

  @Test
  void quotaChargesPodsAndRefusesOverTheLimit() {
    namespace("rq-pods");
    quota(
        "rq-pods",
        "compute",
        "{\"pods\":\"2\",\"limits.cpu\":\"1\",\"requests.memory\":\"1Gi\"}",
        "{\"pods\":\"0\",\"limits.cpu\":\"0\",\"requests.memory\":\"0\"}");
    String res = "{\"limits\":{\"cpu\":\"400m\",\"memory\":\"256Mi\"}}";
    ok(createPod("rq-pods", "a", res));
    assertThat(used("rq-pods", "compute").path("pods").asText()).isEqualTo("1");
    assertThat(used("rq-pods", "compute").path("limits.cpu").asText()).isEqualTo("400m");
    assertThat(used("rq-pods", "compute").path("requests.memory").asText()).isEqualTo("256Mi");
    ok(createPod("rq-pods", "b", "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}"));
    HttpResponse<String> third = createPod("rq-pods", "c", res);
    assertThat(third.statusCode()).isEqualTo(403);
    assertThat(json(third).path("message").asText())
        .isEqualTo(
            "pods \"c\" is forbidden: exceeded quota: compute, requested: limits.cpu=400m,pods=1,"
                + " used: limits.cpu=900m,pods=2, limited: limits.cpu=1,pods=2");
    assertThat(used("rq-pods", "compute").path("pods").asText()).isEqualTo("2");
    HttpResponse<String> bare = createPod("rq-pods", "d", null);
    assertThat(bare.statusCode()).isEqualTo(403);
    assertThat(json(bare).path("message").asText())
        .isEqualTo(
            "pods \"d\" is forbidden: failed quota: compute: must specify limits.cpu for: app;"
                + " requests.memory for: app");
  }

  @Test
  void dryRunChecksButDoesNotCharge() {
    namespace("rq-dry");
    quota("rq-dry", "objects", "{\"configmaps\":\"1\"}", "{\"configmaps\":\"0\"}");
    ok(
        admin.post(
            "/api/v1/namespaces/rq-dry/configmaps?dryRun=All", "{\"metadata\":{\"name\":\"x\"}}"));
    assertThat(used("rq-dry", "objects").path("configmaps").asText()).isEqualTo("0");
    ok(admin.post("/api/v1/namespaces/rq-dry/configmaps", "{\"metadata\":{\"name\":\"x\"}}"));
    assertThat(used("rq-dry", "objects").path("configmaps").asText()).isEqualTo("1");
    HttpResponse<String> second =
        admin.post("/api/v1/namespaces/rq-dry/configmaps", "{\"metadata\":{\"name\":\"y\"}}");
    assertThat(second.statusCode()).isEqualTo(403);
    assertThat(json(second).path("message").asText())
        .isEqualTo(
            "configmaps \"y\" is forbidden: exceeded quota: objects, requested: configmaps=1,"
                + " used: configmaps=1, limited: configmaps=1");
  }

  @Test
  void objectCountsServicesAndStorage() {
    namespace("rq-mixed");
    quota(
        "rq-mixed",
        "mixed",
        "{\"count/deployments.apps\":\"1\",\"services.nodeports\":\"1\",\"requests.storage\":\"1Gi\","
            + "\"fast.storageclass.storage.k8s.io/persistentvolumeclaims\":\"0\"}",
        "{\"count/deployments.apps\":\"0\",\"services.nodeports\":\"0\",\"requests.storage\":\"0\","
            + "\"fast.storageclass.storage.k8s.io/persistentvolumeclaims\":\"0\"}");
    String deployment =
        "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":"
            + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}}}";
    ok(admin.post("/apis/apps/v1/namespaces/rq-mixed/deployments", deployment.formatted("one")));
    HttpResponse<String> two =
        admin.post("/apis/apps/v1/namespaces/rq-mixed/deployments", deployment.formatted("two"));
    assertThat(json(two).path("message").asText())
        .isEqualTo(
            "deployments.apps \"two\" is forbidden: exceeded quota: mixed, requested:"
                + " count/deployments.apps=1, used: count/deployments.apps=1, limited:"
                + " count/deployments.apps=1");
    HttpResponse<String> svc =
        admin.post(
            "/api/v1/namespaces/rq-mixed/services",
            "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"type\":\"NodePort\",\"ports\":"
                + "[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":81}]}}");
    assertThat(svc.statusCode()).isEqualTo(403);
    assertThat(json(svc).path("message").asText()).contains("requested: services.nodeports=2");
    HttpResponse<String> fast =
        admin.post(
            "/api/v1/namespaces/rq-mixed/persistentvolumeclaims",
            "{\"metadata\":{\"name\":\"f\"},\"spec\":{\"storageClassName\":\"fast\","
                + "\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Mi\"}}}}");
    assertThat(json(fast).path("message").asText())
        .isEqualTo(
            "persistentvolumeclaims \"f\" is forbidden: exceeded quota: mixed, requested:"
                + " fast.storageclass.storage.k8s.io/persistentvolumeclaims=1, used:"
                + " fast.storageclass.storage.k8s.io/persistentvolumeclaims=0, limited:"
                + " fast.storageclass.storage.k8s.io/persistentvolumeclaims=0");
    ok(
        admin.post(
            "/api/v1/namespaces/rq-mixed/persistentvolumeclaims",
            "{\"metadata\":{\"name\":\"slow\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"resources\":{\"requests\":{\"storage\":\"600Mi\"}}}}"));
    assertThat(used("rq-mixed", "mixed").path("requests.storage").asText()).isEqualTo("600Mi");
    // Growing the claim past the quota is refused like a create.
    HttpResponse<String> grow =
        admin.send(
            "PATCH",
            "/api/v1/namespaces/rq-mixed/persistentvolumeclaims/slow",
            "application/merge-patch+json",
            "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}");
    assertThat(grow.statusCode()).isEqualTo(403);
    assertThat(json(grow).path("message").asText())
        .contains("exceeded quota: mixed, requested: requests.storage=1448Mi");
  }

  @Test
  void quotaWithoutControllerStatusIsNotEnforcedButUnknownUsageIsRefused() {
    namespace("rq-unknown");
    ok(
        admin.post(
            "/api/v1/namespaces/rq-unknown/resourcequotas",
            "{\"metadata\":{\"name\":\"fresh\"},\"spec\":{\"hard\":{\"secrets\":\"0\"}}}"));
    // Upstream matches on status.hard: a quota the controller has not seen yet does not apply.
    ok(admin.post("/api/v1/namespaces/rq-unknown/secrets", "{\"metadata\":{\"name\":\"s\"}}"));
    ok(
        admin.send(
            "PATCH",
            "/api/v1/namespaces/rq-unknown/resourcequotas/fresh/status",
            "application/merge-patch+json",
            "{\"status\":{\"hard\":{\"secrets\":\"0\"}}}"));
    HttpResponse<String> r =
        admin.post("/api/v1/namespaces/rq-unknown/secrets", "{\"metadata\":{\"name\":\"t\"}}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).path("message").asText())
        .isEqualTo(
            "secrets \"t\" is forbidden: status unknown for quota: fresh, resources: secrets");
  }

  static void ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
  }

  static JsonNode json(HttpResponse<String> r) {
    return Json.parseBody(r.body().getBytes(StandardCharsets.UTF_8), "application/json");
  }
}
