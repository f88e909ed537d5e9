package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.OutputFormat;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.select.ObjectFilter;
import io.kuark.server.api.store.StoredList;

/**
 * GET on a collection: label/field selectors, limit/continue, and resourceVersion semantics (unset
 * or "0" or NotOlderThan: the latest state, which is never older; Exact: that revision or 410
 * Expired when compacted).
 */
final class ListHandler implements ResourceHandler {

  private final ApiContext ctx;
  private final Lister lister;

  ListHandler(ApiContext ctx) {
    this.ctx = ctx;
    this.lister = new Lister(ctx.store());
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectFilter filter =
        ObjectFilter.of(
            req.info().namespace(), req.param("labelSelector"), req.param("fieldSelector"));
    int limit = Lister.limit(req.param("limit"));
    String cont = req.param("continue");
    long atRevision = exactRevision(req, limit, cont);
    OutputFormat format = OutputFormat.negotiate(req.accept());
    if (format.kind() == OutputFormat.Kind.OBJECT
        && filter.labels().isEverything()
        && filter.fields().isEverything()) {
      // The common case (informers, kubectl -o json): the stored bytes as they are.
      return ApiResponse.okEncoded(
          EncodedList.of(
              req.type(),
              ctx.store()
                  .listStored(
                      req.type(),
                      filter.namespace(),
                      limit,
                      cont.isEmpty() ? null : cont,
                      atRevision)));
    }
    StoredList page = lister.list(req.type(), filter, limit, cont, atRevision);
    ObjectNode meta = Json.object();
    meta.put("resourceVersion", Long.toString(page.revision()));
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
      if (page.remainingItemCount() > 0) {
        meta.put("remainingItemCount", page.remainingItemCount());
      }
    }
    return ApiResponse.ok(
        ctx.shaper().list(req.type(), page.items(), meta, format, req.param("includeObject")));
  }

  /** The revision to read at, 0 for the latest. */
  static long exactRevision(ApiRequest req, int limit, String cont) {
    String rv = req.param("resourceVersion");
    String match = req.param("resourceVersionMatch");
    if (!match.isEmpty() && rv.isEmpty()) {
      throw Statuses.badRequest(
          "resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    if (!match.isEmpty() && !cont.isEmpty()) {
      throw Statuses.badRequest("resourceVersionMatch is forbidden when continue is provided");
    }
    if (rv.isEmpty() || rv.equals("0")) {
      return 0;
    }
    long revision;
    try {
      revision = Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid resource version: " + rv);
    }
    boolean exact = match.equals("Exact") || (match.isEmpty() && limit > 0 && cont.isEmpty());
    if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
      throw Statuses.badRequest("invalid resourceVersionMatch: " + match);
    }
    return exact ? revision : 0;
  }
}
