package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import java.util.List;

/**
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}): the requester's rules in {@code
 * spec.namespace}, split into resource and non-resource rules.
 */
public final class RulesReviewHandler implements ResourceHandler {

  private final RbacAuthorizer rbac;

  public RulesReviewHandler(RbacAuthorizer rbac) {
    this.rbac = rbac;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    ObjectNode review = Json.parseObject(req.body(), req.contentType());
    String namespace = review.path("spec").path("namespace").asText("");
    List<PolicyRule> rules = rbac.rulesFor(req.user(), namespace);
    ObjectNode out = review.deepCopy();
    out.put("kind", "SelfSubjectRulesReview");
    out.put("apiVersion", "authorization.k8s.io/v1");
    out.with("metadata").putNull("creationTimestamp");
    ObjectNode status = out.putObject("status");
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (PolicyRule r : rules) {
      if (!r.resources().isEmpty()) {
        ObjectNode o = resourceRules.addObject();
        strings(o, "verbs", r.verbs());
        strings(o, "apiGroups", r.apiGroups());
        strings(o, "resources", r.resources());
        if (!r.resourceNames().isEmpty()) {
          strings(o, "resourceNames", r.resourceNames());
        }
      }
      if (!r.nonResourceURLs().isEmpty()) {
        ObjectNode o = nonResourceRules.addObject();
        strings(o, "verbs", r.verbs());
        strings(o, "nonResourceURLs", r.nonResourceURLs());
      }
    }
    status.put("incomplete", false);
    return ApiResponse.created(out);
  }

  private static void strings(ObjectNode o, String field, List<String> values) {
    ArrayNode a = o.putArray(field);
    values.forEach(a::add);
  }
}
