package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.ReviewUsers;

/**
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview: evaluates the
 * authorizer for the spec's attributes (the requester's own for the self review).
 */
public final class AccessReviewHandler implements ResourceHandler {

  private final Authorizer authorizer;

  public AccessReviewHandler(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    String plural = req.info().resource();
    String kind = kind(plural);
    ObjectNode review = Json.parseObject(req.body(), req.contentType());
    JsonNode spec = review.path("spec");
    JsonNode res = spec.path("resourceAttributes");
    JsonNode nonRes = spec.path("nonResourceAttributes");
    if (res.isObject() == nonRes.isObject()) {
      throw invalid(
          kind,
          "spec.resourceAttributes",
          "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes"
              + " must be specified");
    }
    UserInfo user;
    if (plural.equals("selfsubjectaccessreviews")) {
      user = req.user();
    } else {
      user = ReviewUsers.fromSpec(spec);
      if (user.name().isEmpty() && user.groups().isEmpty()) {
        throw invalid(
            kind,
            "spec.user",
            "Invalid value: \"\": at least one of user or group must be specified");
      }
    }
    String namespace = res.path("namespace").asText("");
    if (plural.equals("localsubjectaccessreviews")) {
      if (nonRes.isObject()) {
        throw invalid(
            kind,
            "spec.nonResourceAttributes",
            "Invalid value: \"null\": disallowed on this kind of request");
      }
      if (!namespace.equals(req.info().namespace())) {
        throw invalid(
            kind,
            "spec.resourceAttributes.namespace",
            "Invalid value: \"" + namespace + "\": must match metadata.namespace");
      }
    }
    Attributes a =
        res.isObject()
            ? new Attributes(
                user,
                res.path("verb").asText(""),
                true,
                namespace,
                res.path("group").asText(""),
                res.path("version").asText(""),
                res.path("resource").asText(""),
                res.path("subresource").asText(""),
                res.path("name").asText(""),
                "")
            : new Attributes(
                user,
                nonRes.path("verb").asText(""),
                false,
                "",
                "",
                "",
                "",
                "",
                "",
                nonRes.path("path").asText(""));
    Authorizer.Decision decision = authorizer.authorize(a);
    ObjectNode out = review.deepCopy();
    out.put("kind", kind);
    out.put("apiVersion", "authorization.k8s.io/v1");
    ObjectNode meta = out.with("metadata");
    meta.putNull("creationTimestamp");
    ObjectNode status = out.putObject("status");
    status.put("allowed", decision.allowed());
    if (decision == Authorizer.Decision.DENY) {
      status.put("denied", true);
    }
    if (decision.allowed()) {
      status.put("reason", reason(user));
    }
    return ApiResponse.created(out);
  }

  private static String reason(UserInfo user) {
    return user.inGroup(RbacAuthorizer.MASTERS)
        ? "member of group \"system:masters\""
        : "RBAC: allowed by a binding of user " + Forbidden.quote(user.name());
  }

  private static String kind(String plural) {
    return switch (plural) {
      case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
      case "localsubjectaccessreviews" -> "LocalSubjectAccessReview";
      default -> "SubjectAccessReview";
    };
  }

  private static ApiException invalid(String kind, String field, String message) {
    ObjectNode details = Json.object();
    details.put("group", "authorization.k8s.io");
    details.put("kind", kind);
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "FieldValueInvalid");
    cause.put("message", message);
    cause.put("field", field);
    return Statuses.failure(
        422,
        "Invalid",
        kind + ".authorization.k8s.io \"\" is invalid: " + field + ": " + message,
        details);
  }
}
