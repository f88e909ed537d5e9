package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.auth.authn.ServiceAccountUsers;
import java.util.ArrayList;
import java.util.List;

/**
 * A RoleBinding or ClusterRoleBinding: who ({@code subjects}) gets which role.
 *
 * @param namespace the RoleBinding's namespace, "" for a ClusterRoleBinding
 * @param roleKind Role or ClusterRole
 */
public record Binding(
    String namespace, String name, String roleKind, String roleName, List<Subject> subjects) {

  /** A binding subject (User, Group or ServiceAccount). */
  public record Subject(String kind, String name, String namespace) {}

  public static Binding fromJson(JsonNode binding) {
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode s : binding.path("subjects")) {
      subjects.add(
          new Subject(
              s.path("kind").asText(""),
              s.path("name").asText(""),
              s.path("namespace").asText("")));
    }
    JsonNode ref = binding.path("roleRef");
    return new Binding(
        binding.path("metadata").path("namespace").asText(""),
        binding.path("metadata").path("name").asText(""),
        ref.path("kind").asText(""),
        ref.path("name").asText(""),
        List.copyOf(subjects));
  }

  /** Whether the binding names {@code user} (upstream's appliesTo). */
  public boolean appliesTo(UserInfo user) {
    for (Subject s : subjects) {
      switch (s.kind()) {
        case "User":
          if (s.name().equals(user.name())) {
            return true;
          }
          break;
        case "Group":
          if (user.groups().contains(s.name())) {
            return true;
          }
          break;
        case "ServiceAccount":
          String ns = s.namespace().isEmpty() ? namespace : s.namespace();
          if (!ns.isEmpty() && ServiceAccountUsers.userName(ns, s.name()).equals(user.name())) {
            return true;
          }
          break;
        default:
          break;
      }
    }
    return false;
  }
}
