package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;

/**
 * DELETE of one object: 200 with a Success Status when it is gone, 200 with the object when it is
 * only marked for deletion (finalizers, graceful pod deletion, namespaces).
 */
final class DeleteHandler implements ResourceHandler {

  private final Deleter deleter;

  DeleteHandler(ApiContext ctx) {
    this.deleter = new Deleter(ctx);
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    if (req.info().hasSubresource()) {
      throw Statuses.methodNotAllowed("delete");
    }
    Deleter.Outcome outcome =
        deleter.delete(
            req.type(), req.info().namespace(), req.info().name(), DeleteOptionsParser.parse(req));
    if (!outcome.removed()) {
      return ApiResponse.ok(outcome.object());
    }
    if (req.type().plural().equals("pods") && req.type().isCore()) {
      // Upstream returns the deleted pod itself.
      return ApiResponse.ok(outcome.object());
    }
    return ApiResponse.ok(
        Statuses.success(
            Meta.name(outcome.object()),
            req.type().group(),
            req.type().plural(),
            Meta.uid(outcome.object())));
  }
}
