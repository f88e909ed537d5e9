package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Statuses;

/** The 403 Status of a denied request, worded exactly as upstream's. */
public final class Forbidden {

  private Forbidden() {}

  /** {@code User "x" cannot list resource "pods" in API group "" in the namespace "default"}. */
  public static String message(Attributes a) {
    String user = a.user() == null ? "" : a.user().name();
    if (!a.resourceRequest()) {
      return "User " + quote(user) + " cannot " + a.verb() + " path " + quote(a.path());
    }
    String where =
        a.namespace().isEmpty()
            ? "at the cluster scope"
            : "in the namespace " + quote(a.namespace());
    return "User "
        + quote(user)
        + " cannot "
        + a.verb()
        + " resource "
        + quote(a.combinedResource())
        + " in API group "
        + quote(a.apiGroup())
        + " "
        + where;
  }

  /** The error for a denied request; {@code reason} (may be empty) is appended after a colon. */
  public static ApiException of(Attributes a, String reason) {
    String why = message(a) + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    return status(a.apiGroup(), a.resourceRequest() ? a.resource() : "", a.name(), why);
  }

  /** upstream's NewForbidden(groupResource, name, err). */
  public static ApiException status(String group, String resource, String name, String why) {
    String message;
    String qualified = Statuses.qualified(group, resource);
    if (resource.isEmpty()) {
      message = "forbidden: " + why;
    } else if (name.isEmpty()) {
      message = qualified + " is forbidden: " + why;
    } else {
      message = qualified + " " + quote(name) + " is forbidden: " + why;
    }
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    if (!name.isEmpty()) {
      details.put("name", name);
    }
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    if (!resource.isEmpty()) {
      details.put("kind", resource);
    }
    return Statuses.failure(403, "Forbidden", message, details);
  }

  /** Go's %q for the plain strings that appear here. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
