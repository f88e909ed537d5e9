package io.kuark.server.auth;

import io.kuark.server.api.handler.ExtraHandlers;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.RequestInfo;
import java.util.Map;

/**
 * Routes the security APIs: {@code serviceaccounts/{name}/token}, TokenReview, SelfSubjectReview
 * and the access and rules reviews.
 */
final class SecurityHandlers implements ExtraHandlers {

  private final ResourceHandler tokenRequest;
  private final Map<String, ResourceHandler> reviews;

  /**
   * @param reviews handlers keyed {@code group/plural}
   */
  SecurityHandlers(ResourceHandler tokenRequest, Map<String, ResourceHandler> reviews) {
    this.tokenRequest = tokenRequest;
    this.reviews = Map.copyOf(reviews);
  }

  @Override
  public ResourceHandler find(ApiRequest req) {
    RequestInfo info = req.info();
    if (info.group().isEmpty()
        && info.resource().equals("serviceaccounts")
        && info.subresource().equals("token")) {
      return tokenRequest;
    }
    if (info.hasSubresource() || info.hasName() || !info.verb().equals("create")) {
      return null;
    }
    return reviews.get(info.group() + "/" + info.resource());
  }
}
