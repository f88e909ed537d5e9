package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: says whether a bearer token is valid
 * (for the requested audiences, default the API server's) and whom it names.
 */
public final class TokenReviewHandler implements ResourceHandler {

  private final ServiceAccountAuthenticator serviceAccounts;
  private final List<TokenAuthenticator> others;
  private final ServiceAccountTokens tokens;

  public TokenReviewHandler(
      ServiceAccountAuthenticator serviceAccounts,
      List<TokenAuthenticator> others,
      ServiceAccountTokens tokens) {
    this.serviceAccounts = serviceAccounts;
    this.others = List.copyOf(others);
    this.tokens = tokens;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode review = Json.parseObject(req.body(), req.contentType());
    JsonNode spec = review.path("spec");
    String token = spec.path("token").asText("");
    if (token.isEmpty()) {
      throw Statuses.failure(
          422,
          "Invalid",
          "TokenReview.authentication.k8s.io \"\" is invalid: spec.token: Required value",
          null);
    }
    List<String> wanted = new ArrayList<>();
    spec.path("audiences").forEach(a -> wanted.add(a.asText()));
    List<String> audiences = wanted.isEmpty() ? tokens.apiAudiences() : wanted;
    ObjectNode status = Json.object();
    Optional<BoundToken> sa = serviceAccounts.review(token, audiences);
    UserInfo user = sa.map(ServiceAccountUsers::user).orElse(null);
    List<String> matched = new ArrayList<>();
    if (sa.isPresent()) {
      for (String a : sa.get().audiences()) {
        if (audiences.contains(a)) {
          matched.add(a);
        }
      }
    } else if (audiences.stream().anyMatch(tokens.apiAudiences()::contains)) {
      // Other token kinds are only valid for the API server's own audiences.
      for (TokenAuthenticator a : others) {
        Optional<UserInfo> u = a.authenticate(token);
        if (u.isPresent()) {
          user = u.get();
          matched.addAll(tokens.apiAudiences());
          break;
        }
      }
    }
    status.put("authenticated", user != null);
    if (user != null) {
      ReviewUsers.write(user, status.putObject("user"));
      var aud = status.putArray("audiences");
      matched.forEach(aud::add);
    } else {
      status.putObject("user");
      status.put("error", "invalid bearer token");
    }
    ObjectNode out = review.deepCopy();
    out.put("apiVersion", "authentication.k8s.io/v1");
    out.put("kind", "TokenReview");
    out.with("metadata").putNull("creationTimestamp");
    out.set("status", status);
    return ApiResponse.created(out);
  }
}
