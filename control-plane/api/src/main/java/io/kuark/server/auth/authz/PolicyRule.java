package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** One RBAC rule (rbac.authorization.k8s.io/v1 PolicyRule). */
public record PolicyRule(
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> resourceNames,
    List<String> nonResourceURLs) {

  /** A resource rule. */
  public static PolicyRule resource(List<String> verbs, List<String> groups, List<String> res) {
    return new PolicyRule(verbs, groups, res, List.of(), List.of());
  }

  /** A non-resource URL rule. */
  public static PolicyRule urls(List<String> verbs, List<String> urls) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
  }

  public static PolicyRule fromJson(JsonNode rule) {
    return new PolicyRule(
        strings(rule.path("verbs")),
        strings(rule.path("apiGroups")),
        strings(rule.path("resources")),
        strings(rule.path("resourceNames")),
        strings(rule.path("nonResourceURLs")));
  }

  public static List<PolicyRule> listFromJson(JsonNode rules) {
    List<PolicyRule> out = new ArrayList<>();
    for (JsonNode r : rules) {
      out.add(fromJson(r));
    }
    return out;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    put(o, "verbs", verbs);
    put(o, "apiGroups", apiGroups);
    put(o, "resources", resources);
    put(o, "resourceNames", resourceNames);
    put(o, "nonResourceURLs", nonResourceURLs);
    if (!o.has("verbs")) {
      o.putArray("verbs");
    }
    return o;
  }

  private static void put(ObjectNode o, String field, List<String> values) {
    if (!values.isEmpty()) {
      var arr = o.putArray(field);
      values.forEach(arr::add);
    }
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      out.add(n.asText());
    }
    return List.copyOf(out);
  }
}
