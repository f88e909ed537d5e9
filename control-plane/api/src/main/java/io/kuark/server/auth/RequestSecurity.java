package io.kuark.server.auth;

import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.RequestAuthenticator;
import io.kuark.server.auth.authz.Attributes;
import io.kuark.server.auth.authz.Authorizer;
import io.kuark.server.auth.authz.Forbidden;
import io.kuark.server.auth.authz.Impersonation;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The per-request security filter: authenticate (401 for rejected credentials, and for anonymous
 * requests outside the public paths), apply impersonation, then authorize the request's attributes
 * (403 with upstream's Status). Runs on the event loop: every step reads memory only.
 */
public final class RequestSecurity {

  private final RequestAuthenticator authenticator;
  private final Authorizer authorizer;
  private final Impersonation impersonation;
  private final Predicate<String> publicPath;

  public RequestSecurity(
      RequestAuthenticator authenticator, Authorizer authorizer, Predicate<String> publicPath) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.impersonation = new Impersonation(authorizer);
    this.publicPath = publicPath;
  }

  /**
   * The user the request acts as, once it passed authentication and authorization.
   *
   * @param info the parsed resource request, or empty for non-resource paths
   * @throws ApiException 401, 400 or 403
   */
  public UserInfo check(HttpServerRequest request, Optional<RequestInfo> info) {
    String path = request.path();
    RequestAuthenticator.Result result = authenticator.authenticate(request);
    UserInfo user;
    if (result instanceof RequestAuthenticator.Result.Authenticated a) {
      user = a.user();
    } else if (result instanceof RequestAuthenticator.Result.Anonymous && publicPath.test(path)) {
      return RequestAuthenticator.ANONYMOUS;
    } else {
      throw Statuses.unauthorized();
    }
    if (Impersonation.requested(request.headers())) {
      user = impersonation.apply(user, request.headers());
    }
    Attributes attributes =
        info.isPresent()
            ? Attributes.resource(user, info.get(), request.getParam("fieldSelector"))
            : Attributes.nonResource(user, request.method().name(), path);
    if (!authorizer.authorize(attributes).allowed()) {
      throw Forbidden.of(attributes, "");
    }
    return user;
  }
}
