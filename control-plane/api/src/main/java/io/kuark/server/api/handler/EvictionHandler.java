package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.strategy.DeleteOptions;

/**
 * POST of a policy/v1 {@code Eviction} to {@code pods/NAME/eviction}: deletes the pod with the
 * eviction's delete options. PodDisruptionBudgets are not consulted yet.
 */
final class EvictionHandler implements ResourceHandler {

  private final Deleter deleter;

  EvictionHandler(ApiContext ctx) {
    this.deleter = new Deleter(ctx);
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode eviction = Json.parseObject(req.body(), req.contentType());
    JsonNode options = eviction.path("deleteOptions");
    JsonNode pre = options.path("preconditions");
    DeleteOptions delete =
        new DeleteOptions(
            options.hasNonNull("gracePeriodSeconds")
                ? options.get("gracePeriodSeconds").asLong()
                : null,
            pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
            pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
            null,
            req.dryRun());
    deleter.delete(req.type(), req.info().namespace(), req.info().name(), delete);
    ObjectNode status = Statuses.success(req.info().name(), "", "pods", null);
    status.remove("details");
    return ApiResponse.created(status);
  }
}
