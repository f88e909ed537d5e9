package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;

/**
 * PUT of an object, of its {@code status}, or of {@code namespaces/NAME/finalize} (which only
 * changes {@code spec.finalizers}).
 */
final class UpdateHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final ObjectUpdater updater;

  UpdateHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.updater = new ObjectUpdater(ctx);
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ResourceType type = req.type();
    String sub = req.info().subresource();
    ObjectNode body = Json.parseObject(req.body(), req.contentType());
    MetadataRules.checkKind(type, body, type.kind(), type.apiVersion());
    MetadataRules.checkIdentity(type, body, req.info().namespace(), req.info().name());
    java.util.List<String> fieldWarnings =
        FieldValidation.apply(type, body, req.param("fieldValidation"));
    WriteResult result;
    if (sub.equals("finalize")) {
      result =
          updater.update(
              type,
              req.info().namespace(),
              req.info().name(),
              current -> {
                JsonNode finalizers = body.path("spec").path("finalizers");
                ObjectNode spec = current.with("spec");
                if (finalizers.isArray()) {
                  spec.set("finalizers", finalizers.deepCopy());
                } else {
                  spec.remove("finalizers");
                }
                current
                    .with("metadata")
                    .put(
                        "resourceVersion",
                        body.path("metadata").path("resourceVersion").asText(""));
                return current;
              },
              ObjectUpdater.Mode.RAW,
              req.dryRun(),
              null);
    } else if (sub.isEmpty() || sub.equals("status") || sub.equals("approval")) {
      result =
          updater.update(
              type,
              req.info().namespace(),
              req.info().name(),
              current -> body.deepCopy(),
              ObjectUpdater.Mode.of(sub),
              req.dryRun(),
              null,
              FieldManagers.of(req, sub));
    } else {
      throw Statuses.methodNotAllowed("update");
    }
    OutputFormat format = OutputFormat.negotiate(req.accept());
    return new ApiResponse(
            200,
            ctx.shaper().single(type, result.object(), format, req.param("includeObject"), true),
            result.warnings())
        .withWarnings(fieldWarnings);
  }
}
