package io.kuark.server.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;

/**
 * Builds the {@code metav1.Status} errors upstream returns, with the same reasons, codes and
 * message shapes (clients such as kubectl match on them).
 */
public final class Statuses {

  private Statuses() {}

  /** One entry of {@code details.causes}. */
  public record Cause(String reason, String message, String field) {}

  public static ObjectNode success(String name, String group, String kindOrResource, String uid) {
    ObjectNode status = base();
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    details.put("group", group);
    details.put("kind", kindOrResource);
    if (uid != null) {
      details.put("uid", uid);
    }
    return status;
  }

  public static ApiException notFound(ResourceType type, String name) {
    return notFound(type.group(), type.plural(), name);
  }

  public static ApiException notFound(String group, String plural, String name) {
    return failure(
        404,
        "NotFound",
        qualified(group, plural) + " \"" + name + "\" not found",
        details(name, group, plural));
  }

  public static ApiException alreadyExists(ResourceType type, String name) {
    return failure(
        409,
        "AlreadyExists",
        qualified(type.group(), type.plural()) + " \"" + name + "\" already exists",
        details(name, type.group(), type.plural()));
  }

  /** The optimistic-concurrency failure of an update with a stale resourceVersion. */
  public static ApiException conflict(ResourceType type, String name) {
    return conflict(
        type,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  public static ApiException conflict(ResourceType type, String name, String why) {
    return failure(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + qualified(type.group(), type.plural())
            + " \""
            + name
            + "\": "
            + why,
        details(name, type.group(), type.plural()));
  }

  /** 422 Invalid listing each failing field. */
  public static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
    StringBuilder message = new StringBuilder();
    message.append(type.kind()).append(" \"").append(name).append("\" is invalid: ");
    if (causes.size() > 1) {
      message.append('[');
    }
    for (int i = 0; i < causes.size(); i++) {
      if (i > 0) {
        message.append(", ");
      }
      Cause c = causes.get(i);
      message.append(c.field()).append(": ").append(c.message());
    }
    if (causes.size() > 1) {
      message.append(']');
    }
    ObjectNode details = details(name, type.group(), type.kind());
    ArrayNode list = details.putArray("causes");
    for (Cause c : causes) {
      ObjectNode cause = list.addObject();
      cause.put("reason", c.reason());
      cause.put("message", c.message());
      cause.put("field", c.field());
    }
    return failure(422, "Invalid", message.toString(), details);
  }

  public static ApiException invalid(ResourceType type, String name, String field, String message) {
    return invalid(type, name, List.of(new Cause("FieldValueInvalid", message, field)));
  }

  public static ApiException badRequest(String message) {
    return failure(400, "BadRequest", message, null);
  }

  public static ApiException forbidden(ResourceType type, String name, String why) {
    return failure(
        403,
        "Forbidden",
        qualified(type.group(), type.plural()) + " \"" + name + "\" is forbidden: " + why,
        details(name, type.group(), type.plural()));
  }

  public static ApiException unauthorized() {
    return failure(401, "Unauthorized", "Unauthorized", null);
  }

  public static ApiException methodNotAllowed(String verb) {
    return failure(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        null);
  }

  public static ApiException notFoundPath() {
    return failure(404, "NotFound", "the server could not find the requested resource", null);
  }

  /** 410 Expired: a watch or list asked for a resourceVersion that is compacted. */
  public static ApiException expired(String message) {
    return failure(410, "Expired", message, null);
  }

  public static ApiException gone(String message) {
    return failure(410, "Gone", message, null);
  }

  public static ApiException tooLarge() {
    return failure(
        413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", null);
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return failure(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json-patch+json, application/merge-patch+json,"
            + " application/apply-patch+yaml, application/strategic-merge-patch+json",
        null);
  }

  public static ApiException notAcceptable() {
    return failure(
        406,
        "NotAcceptable",
        "the server was unable to respond with a content type that the client supports",
        null);
  }

  public static ApiException internal(String message) {
    return failure(500, "InternalError", "Internal error occurred: " + message, null);
  }

  public static ApiException unavailable(String message) {
    return failure(503, "ServiceUnavailable", message, null);
  }

  public static ApiException timeout(String message) {
    return failure(504, "Timeout", message, null);
  }

  /** An error carrying a Status built elsewhere (e.g. apimodel's 422 bodies). */
  public static ApiException fromStatus(int code, ObjectNode status) {
    return new ApiException(code, status);
  }

  /** Any failure Status. */
  public static ApiException failure(int code, String reason, String message, ObjectNode details) {
    ObjectNode status = base();
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    if (details != null) {
      status.set("details", details);
    }
    status.put("code", code);
    return new ApiException(code, status);
  }

  private static ObjectNode base() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    return status;
  }

  private static ObjectNode details(String name, String group, String kind) {
    ObjectNode details = Json.object();
    if (name != null && !name.isEmpty()) {
      details.put("name", name);
    }
    if (group != null && !group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", kind);
    return details;
  }

  /** {@code pods} or {@code deployments.apps}, as upstream names resources in messages. */
  public static String qualified(String group, String plural) {
    return group == null || group.isEmpty() ? plural : plural + "." + group;
  }
}
