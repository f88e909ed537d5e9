package io.kuark.server.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** fieldValidation of patched objects and apply configurations, as upstream's patch handler. */
class FieldValidationTest {

  private static final ResourceType DEPLOYMENTS =
      ResourceCatalog.builtIns().find("apps", "v1", "deployments").orElseThrow();

  private static ObjectNode deployment() {
    return parse(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d','namespace':'n'},"
            + "'spec':{'replicas':1,'bogus':1,'template':{'spec':{'containers':"
            + "[{'name':'c','image':'i','nope':true}]}}}}");
  }

  private static ObjectNode parse(String json) {
    return Json.parseObject(
        json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "application/json");
  }

  @Test
  void strictRejectsUnknownFieldsOfThePatchedObjectAsInvalidPatch() {
    ApiException e =
        catchThrowableOfType(
            () ->
                FieldValidation.applyToPatched(
                    DEPLOYMENTS, deployment(), "Strict", () -> "{\"shown\":1}"),
            ApiException.class);
    assertThat(e.code()).isEqualTo(422);
    assertThat(e.reason()).isEqualTo("Invalid");
    String why =
        "Invalid value: \"{\\\"shown\\\":1}\": strict decoding error: "
            + "unknown field \"spec.bogus\", "
            + "unknown field \"spec.template.spec.containers[0].nope\"";
    assertThat(e.status().path("message").asText()).isEqualTo(" \"\" is invalid: patch: " + why);
    ObjectNode cause = (ObjectNode) e.status().path("details").path("causes").get(0);
    assertThat(cause.path("field").asText()).isEqualTo("patch");
    assertThat(cause.path("reason").asText()).isEqualTo("FieldValueInvalid");
    assertThat(cause.path("message").asText()).isEqualTo(why);
    assertThat(e.status().path("details").has("kind")).isFalse();
  }

  @Test
  void warnDropsUnknownFieldsWithAWarningEachAndIgnoreSilently() {
    ObjectNode warned = deployment();
    assertThat(FieldValidation.applyToPatched(DEPLOYMENTS, warned, "Warn", () -> "unused"))
        .containsExactly(
            "unknown field \"spec.bogus\"",
            "unknown field \"spec.template.spec.containers[0].nope\"");
    assertThat(warned.path("spec").has("bogus")).isFalse();
    assertThat(warned.at("/spec/template/spec/containers/0").has("nope")).isFalse();

    ObjectNode ignored = deployment();
    assertThat(FieldValidation.applyToPatched(DEPLOYMENTS, ignored, "Ignore", () -> "unused"))
        .isEmpty();
    assertThat(ignored.path("spec").has("bogus")).isFalse();
    assertThat(ignored.path("spec").path("replicas").asInt()).isEqualTo(1);
  }

  @Test
  void strictAcceptsAPatchedObjectWithoutUnknownFields() {
    ObjectNode clean = deployment();
    ((ObjectNode) clean.path("spec")).remove("bogus");
    ((ObjectNode) clean.at("/spec/template/spec/containers/0")).remove("nope");
    assertThat(FieldValidation.applyToPatched(DEPLOYMENTS, clean, "Strict", () -> "x")).isEmpty();
  }

  @Test
  void anApplyConfigurationWithUnknownFieldsIsAnErrorWhateverTheDirective() {
    ObjectNode applied = deployment();
    ApiException e =
        catchThrowableOfType(
            () -> FieldValidation.rejectUnknownInApplyConfiguration(DEPLOYMENTS, applied),
            ApiException.class);
    assertThat(e.code()).isEqualTo(500);
    assertThat(e.status().path("message").asText())
        .isEqualTo(
            "failed to create typed patch object (n/d; apps/v1, Kind=Deployment): errors:\n"
                + "  .spec.bogus: field not declared in schema\n"
                + "  .spec.template.spec.containers[0].nope: field not declared in schema");
    // The configuration is compared as sent: nothing of it is re-encoded or dropped here.
    assertThat(applied.path("spec").has("bogus")).isTrue();
  }

  @Test
  void anApplyConfigurationKeepsItsTimesAsSent() {
    ResourceType deployments = DEPLOYMENTS;
    ObjectNode applied =
        parse(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'status':{'conditions':[{'type':'Available','status':'True',"
                + "'lastTransitionTime':'2026-11-28T10:00:00.5Z'}]}}");
    FieldValidation.rejectUnknownInApplyConfiguration(deployments, applied);
    assertThat(applied.at("/status/conditions/0/lastTransitionTime").asText())
        .isEqualTo("2026-11-28T10:00:00.5Z");
  }

  @Test
  void anUnknownDirectiveIsABadRequest() {
    ApiException e = catchThrowableOfType(() -> FieldValidation.mode("strict"), ApiException.class);
    assertThat(e.code()).isEqualTo(400);
    assertThat(FieldValidation.mode(null)).isEqualTo("Warn");
    assertThat(FieldValidation.mode("")).isEqualTo("Warn");
  }

  @Test
  void aStrategicMergePatchIsShownAsGoPrintsItsMap() {
    assertThat(GoMapText.of(parse("{'spec':{'z':[1,'a',null],'bogus':1.50,'b':true}}")))
        .isEqualTo("map[spec:map[b:true bogus:1.5 z:[1 a <nil>]]]");
  }
}
