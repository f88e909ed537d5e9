package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
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
    if (propagation != null
        && !propagation.equals("Orphan")
        && !propagation.equals("Background")
        && !propagation.equals("Foreground")) {
      throw Statuses.badRequest("invalid propagationPolicy: " + propagation);
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
        dryRun);
  }
}
