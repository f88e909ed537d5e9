package io.kuark.server.api.handler;

import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.RequestScope;

/**
 * Routes a resource request (other than watch) to the handler of its verb and subresource, after
 * checking the resource actually serves them.
 */
public final class ResourceDispatcher {

  private final GetHandler get;
  private final ListHandler list;
  private final CreateHandler create;
  private final UpdateHandler update;
  private final PatchHandler patch;
  private final DeleteHandler delete;
  private final DeleteCollectionHandler deleteCollection;
  private final BindingHandler binding;
  private final EvictionHandler eviction;
  private final ScaleHandler scale;
  private final ExtraHandlers extra;

  public ResourceDispatcher(ApiContext ctx) {
    this(ctx, ExtraHandlers.NONE);
  }

  /**
   * @param extra handlers consulted before the generic ones (security APIs)
   */
  public ResourceDispatcher(ApiContext ctx, ExtraHandlers extra) {
    this.extra = extra;
    this.get = new GetHandler(ctx);
    this.list = new ListHandler(ctx);
    this.create = new CreateHandler(ctx);
    this.update = new UpdateHandler(ctx);
    this.patch = new PatchHandler(ctx, create);
    this.delete = new DeleteHandler(ctx);
    this.deleteCollection = new DeleteCollectionHandler(ctx);
    this.binding = new BindingHandler(ctx);
    this.eviction = new EvictionHandler(ctx);
    this.scale = new ScaleHandler(ctx);
  }

  /** The creator, for server-internal creates (bootstrap objects). */
  public CreateHandler creator() {
    return create;
  }

  /** Dispatches with the requesting user in scope for admission steps that need it. */
  public ApiResponse dispatch(ApiRequest req) {
    boolean dryRun = "All".equals(req.query().get("dryRun"));
    return RequestScope.with(req.user(), dryRun, () -> dispatchInScope(req));
  }

  private ApiResponse dispatchInScope(ApiRequest req) {
    ResourceHandler special = extra.find(req);
    if (special != null) {
      return special.handle(req);
    }
    ResourceType type = req.type();
    String verb = req.info().verb();
    String sub = req.info().subresource();
    if (type.isCore() && type.plural().equals("bindings")) {
      return only(verb, "create", binding, req);
    }
    if (sub.isEmpty()) {
      if (!type.supports(verb)) {
        throw Statuses.methodNotAllowed(verb);
      }
      switch (verb) {
        case "get":
          return get.handle(req);
        case "list":
          return list.handle(req);
        case "create":
          if (req.info().hasName()) {
            throw Statuses.methodNotAllowed(verb);
          }
          return create.handle(req);
        case "update":
          return update.handle(req);
        case "patch":
          return patch.handle(req);
        case "delete":
          return delete.handle(req);
        case "deletecollection":
          return deleteCollection.handle(req);
        default:
          throw Statuses.methodNotAllowed(verb);
      }
    }
    if (!type.hasSubresource(sub)) {
      throw Statuses.notFoundPath();
    }
    switch (sub) {
      case "status":
      case "approval":
        // Both are object-shaped subresources served by the main handlers in their own mode.
        switch (verb) {
          case "get":
            return get.handle(req);
          case "update":
            return update.handle(req);
          case "patch":
            return patch.handle(req);
          default:
            throw Statuses.methodNotAllowed(verb);
        }
      case "scale":
        return scale.handle(req);
      case "binding":
        return only(verb, "create", binding, req);
      case "eviction":
        return only(verb, "create", eviction, req);
      case "finalize":
        return only(verb, "update", update, req);
      default:
        throw Statuses.notFoundPath();
    }
  }

  private static ApiResponse only(String verb, String wanted, ResourceHandler h, ApiRequest req) {
    if (!verb.equals(wanted)) {
      throw Statuses.methodNotAllowed(verb);
    }
    return h.handle(req);
  }
}
