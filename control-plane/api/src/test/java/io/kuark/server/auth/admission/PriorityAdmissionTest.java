package io.kuark.server.auth.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.strategy.ObjectAdmission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityAdmissionTest {
  static final ObjectMapper M = new ObjectMapper();
  private final List<JsonNode> classes = new ArrayList<>();
  private final PriorityAdmission admission =
      new PriorityAdmission(
          ObjectAdmission.NONE,
          name ->
              classes.stream()
                  .filter(c -> c.path("metadata").path("name").asText().equals(name))
                  .findFirst(),
          () -> classes);

  private static JsonNode pc(String name, int value, boolean globalDefault, String policy)
      throws Exception {
    ObjectNode o =
        (ObjectNode)
            M.readTree(
                "{\"metadata\":{\"name\":\""
                    + name
                    + "\"},\"value\":"
                    + value
                    + ",\"globalDefault\":"
                    + globalDefault
                    + "}");
    if (policy != null) {
      o.put("preemptionPolicy", policy);
    }
    return o;
  }

  private static ObjectNode pod(String spec) throws Exception {
    return (ObjectNode)
        M.readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns1\"},\"spec\":" + spec + "}");
  }

  @Test
  void resolvesTheClassIntoPriorityAndPreemptionPolicy() throws Exception {
    classes.add(pc("high", 1000, false, "Never"));
    ObjectNode pod = pod("{\"priorityClassName\":\"high\"}");
    admission.admitPodCreate(pod);
    assertThat(pod.path("spec").path("priority").asInt()).isEqualTo(1000);
    assertThat(pod.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void podsWithoutClassGetTheGlobalDefaultOrZero() throws Exception {
    ObjectNode plain = pod("{}");
    admission.admitPodCreate(plain);
    assertThat(plain.path("spec").path("priority").asInt()).isZero();
    assertThat(plain.path("spec").has("priorityClassName")).isFalse();

    classes.add(pc("normal", 10, true, null));
    ObjectNode defaulted = pod("{}");
    admission.admitPodCreate(defaulted);
    assertThat(defaulted.path("spec").path("priority").asInt()).isEqualTo(10);
    assertThat(defaulted.path("spec").path("priorityClassName").asText()).isEqualTo("normal");
    assertThat(defaulted.path("spec").path("preemptionPolicy").asText())
        .isEqualTo("PreemptLowerPriority");
  }

  @Test
  void systemClassesResolveWithoutObjects() throws Exception {
    ObjectNode pod = pod("{\"priorityClassName\":\"system-node-critical\"}");
    admission.admitPodCreate(pod);
    assertThat(pod.path("spec").path("priority").asInt()).isEqualTo(2_000_001_000);
  }

  @Test
  void unknownClassAndMismatchingValuesAreForbidden() throws Exception {
    assertThatThrownBy(() -> admission.admitPodCreate(pod("{\"priorityClassName\":\"nope\"}")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(403);
              assertThat(e.getMessage())
                  .contains("pods \"p\" is forbidden: no PriorityClass with name nope was found");
            });
    classes.add(pc("high", 1000, false, null));
    assertThatThrownBy(
            () -> admission.admitPodCreate(pod("{\"priorityClassName\":\"high\",\"priority\":5}")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(
                        "the integer value of priority (5) must not be provided in pod spec;"
                            + " priority admission controller computed 1000 from the given"
                            + " PriorityClass name"));
    assertThatThrownBy(
            () ->
                admission.admitPodCreate(
                    pod("{\"priorityClassName\":\"high\",\"preemptionPolicy\":\"Never\"}")))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("the string value of PreemptionPolicy (Never) must not be provided");
    // The same value as the class is fine.
    ObjectNode same = pod("{\"priorityClassName\":\"high\",\"priority\":1000}");
    admission.admitPodCreate(same);
    assertThat(same.path("spec").path("priority").asInt()).isEqualTo(1000);
  }

  @Test
  void onlyOneGlobalDefaultClass() throws Exception {
    classes.add(pc("a", 1, true, null));
    var type =
        io.kuark.server.apimodel.ResourceCatalog.builtIns()
            .find("scheduling.k8s.io", "v1", "priorityclasses")
            .orElseThrow();
    assertThatThrownBy(() -> admission.admit(type, (ObjectNode) pc("b", 2, true, null), null))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("PriorityClass a is already marked as default");
    assertThat(admission.admit(type, (ObjectNode) pc("c", 2, false, null), null)).isEmpty();
  }
}
