package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.store.StoredObject;

/** GET of one object (also of its {@code status} subresource, which returns the whole object). */
final class GetHandler implements ResourceHandler {

  private final ApiContext ctx;

  GetHandler(ApiContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    StoredObject found = ctx.store().require(req.type(), req.info().namespace(), req.info().name());
    OutputFormat format = OutputFormat.negotiate(req.accept());
    return ApiResponse.ok(
        ctx.shaper().single(req.type(), found.object(), format, req.param("includeObject"), true));
  }
}
