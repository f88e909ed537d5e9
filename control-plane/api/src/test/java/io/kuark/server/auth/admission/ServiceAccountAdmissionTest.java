package io.kuark.server.auth.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountAdmissionTest {

  static final ObjectMapper M = new ObjectMapper();

  static ObjectNode pod(String specJson) throws Exception {
    return (ObjectNode)
        M.readTree(
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns1\"},\"spec\":" + specJson + "}");
  }

  final ServiceAccountAdmission admission =
      new ServiceAccountAdmission(
          (ns, name) ->
              name.equals("default") || name.equals("quiet")
                  ? Optional.of(
                      (JsonNode)
                          M.createObjectNode()
                              .put("automountServiceAccountToken", !name.equals("quiet")))
                  : Optional.empty());

  @Test
  void defaultsServiceAccountAndMountsProjectedToken() throws Exception {
    ObjectNode pod =
        pod("{\"containers\":[{\"name\":\"a\"}],\"initContainers\":[{\"name\":\"i\"}]}");
    admission.admitCreate(pod);
    JsonNode spec = pod.path("spec");
    assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
    JsonNode volume = spec.path("volumes").get(0);
    assertThat(volume.path("name").asText()).matches("kube-api-access-[a-z0-9]{5}");
    JsonNode sources = volume.path("projected").path("sources");
    assertThat(sources.get(0).path("serviceAccountToken").path("expirationSeconds").asLong())
        .isEqualTo(3607);
    assertThat(sources.get(1).path("configMap").path("name").asText())
        .isEqualTo("kube-root-ca.crt");
    assertThat(sources.get(2).path("downwardAPI").path("items").get(0).path("path").asText())
        .isEqualTo("namespace");
    for (String f : new String[] {"containers", "initContainers"}) {
      JsonNode mount = spec.path(f).get(0).path("volumeMounts").get(0);
      assertThat(mount.path("mountPath").asText())
          .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
      assertThat(mount.path("readOnly").asBoolean()).isTrue();
      assertThat(mount.path("name").asText()).isEqualTo(volume.path("name").asText());
    }
  }

  @Test
  void automountOffOnPodOrServiceAccountMountsNothing() throws Exception {
    ObjectNode off =
        pod("{\"automountServiceAccountToken\":false,\"containers\":[{\"name\":\"a\"}]}");
    admission.admitCreate(off);
    assertThat(off.path("spec").has("volumes")).isFalse();
    ObjectNode quiet = pod("{\"serviceAccountName\":\"quiet\",\"containers\":[{\"name\":\"a\"}]}");
    admission.admitCreate(quiet);
    assertThat(quiet.path("spec").has("volumes")).isFalse();
    ObjectNode podOverrides =
        pod(
            "{\"serviceAccountName\":\"quiet\",\"automountServiceAccountToken\":true,\"containers\":[{\"name\":\"a\"}]}");
    admission.admitCreate(podOverrides);
    assertThat(podOverrides.path("spec").path("volumes")).hasSize(1);
  }

  @Test
  void waitsForTheDefaultServiceAccountTheControllerIsAboutToCreate() throws Exception {
    java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger pauses =
        new java.util.concurrent.atomic.AtomicInteger();
    ServiceAccountAdmission late =
        new ServiceAccountAdmission(
            (ns, name) ->
                reads.incrementAndGet() < 3
                    ? Optional.empty()
                    : Optional.of((JsonNode) M.createObjectNode()),
            pauses::incrementAndGet);
    ObjectNode pod = pod("{\"containers\":[{\"name\":\"a\"}]}");
    late.admitCreate(pod);
    assertThat(reads.get()).isEqualTo(3);
    assertThat(pauses.get()).isEqualTo(2);
    ServiceAccountAdmission never =
        new ServiceAccountAdmission(
            (ns, name) -> {
              reads.incrementAndGet();
              return Optional.empty();
            },
            () -> {});
    reads.set(0);
    assertThatThrownBy(() -> never.admitCreate(pod("{\"containers\":[{\"name\":\"a\"}]}")))
        .isInstanceOf(ApiException.class);
    assertThat(reads.get()).isEqualTo(10);
    reads.set(0);
    assertThatThrownBy(
            () -> never.admitCreate(pod("{\"serviceAccountName\":\"named\",\"containers\":[]}")))
        .isInstanceOf(ApiException.class);
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void missingServiceAccountIsForbidden() throws Exception {
    ObjectNode pod = pod("{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"a\"}]}");
    assertThatThrownBy(() -> admission.admitCreate(pod))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(403);
              assertThat(e.status().path("message").asText())
                  .isEqualTo(
                      "pods \"p\" is forbidden: error looking up service account ns1/ghost:"
                          + " serviceaccount \"ghost\" not found");
            });
  }
}
