package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.select.ObjectFilter;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.api.strategy.DeleteOptions;
import java.util.ArrayList;
import java.util.List;

/** DELETE on a collection: deletes every selected object, answers the list of them. */
final class DeleteCollectionHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final Deleter deleter;
  private final Lister lister;

  DeleteCollectionHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.deleter = new Deleter(ctx);
    this.lister = new Lister(ctx.store());
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectFilter filter =
        ObjectFilter.of(
            req.info().namespace(), req.param("labelSelector"), req.param("fieldSelector"));
    DeleteOptions options = DeleteOptionsParser.parse(req);
    StoredList page = lister.list(req.type(), filter, 0, null, 0);
    List<ObjectNode> deleted = new ArrayList<>();
    for (ObjectNode item : page.items()) {
      try {
        deleted.add(
            deleter.delete(req.type(), Meta.namespace(item), Meta.name(item), options).object());
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    ObjectNode meta = Json.object();
    meta.put("resourceVersion", Long.toString(ctx.store().currentRevision()));
    return ApiResponse.ok(ctx.shaper().list(req.type(), deleted, meta, OutputFormat.OBJECT, ""));
  }
}
