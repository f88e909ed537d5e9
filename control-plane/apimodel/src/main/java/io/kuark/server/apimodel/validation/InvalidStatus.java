package io.kuark.server.apimodel.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds the {@code 422 Invalid} {@code metav1.Status} upstream returns for validation errors. */
public final class InvalidStatus {

  private InvalidStatus() {}

  /**
   * The Status body, e.g. message {@code Deployment.apps "web" is invalid: [spec.replicas: ...,
   * ...]}, reason {@code Invalid}, code 422, details with name, group (when not core), kind and one
   * cause per error.
   */
  public static ObjectNode of(String group, String kind, String name, List<FieldError> errors) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message(group, kind, name, errors));
    status.put("reason", "Invalid");
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    if (group != null && !group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    for (FieldError e : errors) {
      ObjectNode c = causes.addObject();
      c.put("reason", e.reason());
      c.put("message", e.message());
      c.put("field", e.field());
    }
    status.put("code", 422);
    return status;
  }

  /** The Status message alone. */
  public static String message(String group, String kind, String name, List<FieldError> errors) {
    String qualified = group == null || group.isEmpty() ? kind : kind + "." + group;
    String head = qualified + " \"" + name + "\" is invalid";
    Set<String> distinct = new LinkedHashSet<>();
    for (FieldError e : errors) {
      distinct.add(e.toString());
    }
    if (distinct.isEmpty()) {
      return head;
    }
    if (distinct.size() == 1) {
      return head + ": " + distinct.iterator().next();
    }
    return head + ": [" + String.join(", ", distinct) + "]";
  }
}
