package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;

/** {@code POST selfsubjectreviews} ({@code kubectl auth whoami}): the requester's user info. */
public final class SelfSubjectReviewHandler implements ResourceHandler {

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode out = Json.object();
    out.put("kind", "SelfSubjectReview");
    out.put("apiVersion", "authentication.k8s.io/" + req.info().version());
    out.putObject("metadata").putNull("creationTimestamp");
    ReviewUsers.write(req.user(), out.putObject("status").putObject("userInfo"));
    return ApiResponse.created(out);
  }
}
