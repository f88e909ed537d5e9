package io.kuark.server.api;

import static io.kuark.server.api.QuotaAdmissionIT.json;
import static io.kuark.server.api.QuotaAdmissionIT.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DefaultStorageClass and DefaultTolerationSeconds against an in-process API server. */
class DefaultingAdmissionIT {

  static TestApiServer api;
  static RawClient admin;

  @BeforeAll
  static void start() {
    api = new TestApiServer();
    admin = new RawClient(api, true);
    ok(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"defaults\"}}"));
    api.createDefaultServiceAccount("defaults");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static JsonNode claim(String name, String classField) {
    return json(
        admin.post(
            "/api/v1/namespaces/defaults/persistentvolumeclaims",
            "{\"metadata\":{\"name\":\""
                + name
                + "\"},\"spec\":{"
                + classField
                + "\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}"));
  }

  static void storageClass(String name, boolean isDefault) {
    ok(
        admin.post(
            "/apis/storage.k8s.io/v1/storageclasses",
            "{\"metadata\":{\"name\":\""
                + name
                + "\",\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\""
                + isDefault
                + "\"}},\"provisioner\":\"kuark.io/local\"}"));
  }

  @Test
  void claimsWithoutClassGetTheDefaultStorageClass() {
    assertThat(claim("before", "").at("/spec/storageClassName").isMissingNode()).isTrue();
    storageClass("slow", false);
    storageClass("local", true);
    assertThat(claim("plain", "").at("/spec/storageClassName").asText()).isEqualTo("local");
    assertThat(claim("none", "\"storageClassName\":\"\",").at("/spec/storageClassName").asText())
        .isEmpty();
    assertThat(
            claim("chosen", "\"storageClassName\":\"slow\",").at("/spec/storageClassName").asText())
        .isEqualTo("slow");
  }

  @Test
  void podsGetNotReadyAndUnreachableTolerationsOf300Seconds() {
    JsonNode pod =
        json(
            admin.post(
                "/api/v1/namespaces/defaults/pods",
                "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"tolerations\":[{\"key\":"
                    + "\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":"
                    + "\"NoExecute\",\"tolerationSeconds\":10}],"
                    + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"));
    JsonNode tolerations = pod.at("/spec/tolerations");
    assertThat(tolerations.size()).isEqualTo(2);
    assertThat(tolerations.get(0).path("tolerationSeconds").asInt()).isEqualTo(10);
    assertThat(tolerations.get(1).path("key").asText()).isEqualTo("node.kubernetes.io/not-ready");
    assertThat(tolerations.get(1).path("effect").asText()).isEqualTo("NoExecute");
    assertThat(tolerations.get(1).path("tolerationSeconds").asInt()).isEqualTo(300);
  }
}
