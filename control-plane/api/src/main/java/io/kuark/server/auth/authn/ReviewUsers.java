package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** UserInfo to and from the {@code user}/{@code userInfo} shape of the review APIs. */
public final class ReviewUsers {

  private ReviewUsers() {}

  public static void write(UserInfo user, ObjectNode target) {
    target.put("username", user.name());
    if (!user.uid().isEmpty()) {
      target.put("uid", user.uid());
    }
    var groups = target.putArray("groups");
    user.groups().forEach(groups::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = target.putObject("extra");
      for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
        var values = extra.putArray(e.getKey());
        e.getValue().forEach(values::add);
      }
    }
  }

  /** The user a SubjectAccessReview spec names (user, uid, groups, extra). */
  public static UserInfo fromSpec(JsonNode spec) {
    List<String> groups = new ArrayList<>();
    spec.path("groups").forEach(g -> groups.add(g.asText()));
    Map<String, List<String>> extra = new LinkedHashMap<>();
    var fields = spec.path("extra").fields();
    while (fields.hasNext()) {
      var e = fields.next();
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(v.asText()));
      extra.put(e.getKey(), List.copyOf(values));
    }
    return new UserInfo(
        spec.path("user").asText(""), spec.path("uid").asText(""), List.copyOf(groups), extra);
  }
}
