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
 * eviction's delete options once the pod's PodDisruptionBudget allows it ({@link
 * DisruptionBudgets}).
 */
final class EvictionHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final Deleter deleter;
  private final DisruptionBudgets budgets;

  EvictionHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.deleter = new Deleter(ctx);
    this.budgets = new DisruptionBudgets(ctx);
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode eviction = Json.parseObject(req.body(), req.contentType());
    String named = eviction.path("metadata").path("name").asText("");
    if (!named.isEmpty() && !named.equals(req.info().name())) {
      throw Statuses.badRequest("name in URL does not match name in Eviction object");
    }
    JsonNode options = eviction.path("deleteOptions");
    JsonNode pre = options.path("preconditions");
    boolean dryRun = req.dryRun();
    for (JsonNode d : options.path("dryRun")) {
      dryRun |= d.asText().equals("All");
    }
    DeleteOptions delete =
        new DeleteOptions(
            options.hasNonNull("gracePeriodSeconds")
                ? options.get("gracePeriodSeconds").asLong()
                : null,
            pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
            pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
            null,
            dryRun);
    ObjectNode pod =
        ctx.store().require(req.type(), req.info().namespace(), req.info().name()).object();
    budgets.admit(pod, dryRun);
    deleter.delete(req.type(), req.info().namespace(), req.info().name(), delete);
    ObjectNode status = Statuses.success(req.info().name(), "", "pods", null);
    status.remove("details");
    return ApiResponse.created(status);
  }
}
