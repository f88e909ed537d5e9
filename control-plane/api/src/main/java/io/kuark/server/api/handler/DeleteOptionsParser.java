package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.strategy.DeleteOptions;

/** Reads DeleteOptions from a DELETE's body (JSON or YAML) and its query parameters. */
final class DeleteOptionsParser {

  private DeleteOptionsParser() {}

  static DeleteOptions parse(ApiRequest req) {
    JsonNode body = Json.NODES.objectNode();
    if (req.body() != null && req.body().length > 0) {
      body = Json.parseBody(req.body(), req.contentType());
    }
    Long grace = null;
    if (body.hasNonNull("gracePeriodSeconds")) {
      grace = body.get("gracePeriodSeconds").asLong();
    }
    String q = req.param("gracePeriodSeconds");
    if (!q.isEmpty()) {
      try {
        grace = Long.parseLong(q);
      } catch (NumberFormatException e) {
        throw Statuses.badRequest("invalid gracePeriodSeconds: " + q);
      }
    }
    String propagation = body.path("propagationPolicy").asText(null);
    if (!req.param("propagationPolicy").isEmpty()) {
      propagation = req.param("propagationPolicy");
    }
    Boolean orphan =
        body.hasNonNull("orphanDependents") ? body.get("orphanDependents").asBoolean() : null;
    String orphanParam = req.param("orphanDependents");
    if (!orphanParam.isEmpty()) {
      if (!orphanParam.equals("true") && !orphanParam.equals("false")) {
        throw Statuses.badRequest("invalid orphanDependents: " + orphanParam);
      }
      orphan = Boolean.valueOf(orphanParam);
    }
    if (propagation != null
        && !propagation.equals("Orphan")
        && !propagation.equals("Background")
        && !propagation.equals("Foreground")) {
      throw invalid(
          "propagationPolicy: Unsupported value: \""
              + propagation
              + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
          "FieldValueNotSupported",
          "Unsupported value: \""
              + propagation
              + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    }
    if (propagation != null && orphan != null) {
      throw invalid(
          "propagationPolicy: Invalid value: \""
              + propagation
              + "\": orphanDependents and deletionPropagation cannot be both set",
          "FieldValueInvalid",
          "Invalid value: \""
              + propagation
              + "\": orphanDependents and deletionPropagation cannot be both set");
    }
    boolean dryRun = req.dryRun();
    for (JsonNode d : body.path("dryRun")) {
      if (!d.asText().equals("All")) {
        throw Statuses.badRequest("Invalid dry run value: " + d.asText());
      }
      dryRun = true;
    }
    JsonNode pre = body.path("preconditions");
    return new DeleteOptions(
        grace,
        pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
        pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
        propagation,
        dryRun,
        orphan);
  }

  /** Upstream's 422 for invalid DeleteOptions (group meta.k8s.io, empty name). */
  private static ApiException invalid(String detail, String causeType, String causeMessage) {
    ObjectNode details = Json.object();
    details.put("group", "meta.k8s.io");
    details.put("kind", "DeleteOptions");
    details
        .putArray("causes")
        .addObject()
        .put("reason", causeType)
        .put("message", causeMessage)
        .put("field", "propagationPolicy");
    return Statuses.failure(
        422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: " + detail, details);
  }
}
