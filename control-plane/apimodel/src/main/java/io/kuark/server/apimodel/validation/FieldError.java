package io.kuark.server.apimodel.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One validation failure, shaped like upstream's {@code field.Error}: it becomes one {@code
 * details.causes[]} entry ({@code reason}, {@code message}, {@code field}) of a 422 Invalid Status.
 *
 * @param reason {@code FieldValueRequired}, {@code FieldValueInvalid}, {@code FieldValueDuplicate},
 *     {@code FieldValueNotSupported}, {@code FieldValueForbidden}, {@code FieldValueTooLong},
 *     {@code FieldValueNotFound}
 * @param field the field path, e.g. {@code spec.containers[0].name}
 * @param message the cause message without the field, e.g. {@code Required value}
 */
public record FieldError(String reason, String field, String message) {

  /** {@code field: message}, as upstream prints one error in the Status message. */
  @Override
  public String toString() {
    return field + ": " + message;
  }

  public static FieldError required(String field, String detail) {
    return new FieldError(
        "FieldValueRequired",
        field,
        detail == null || detail.isEmpty() ? "Required value" : "Required value: " + detail);
  }

  public static FieldError invalid(String field, Object value, String detail) {
    String msg = "Invalid value: " + render(value);
    if (detail != null && !detail.isEmpty()) {
      msg += ": " + detail;
    }
    return new FieldError("FieldValueInvalid", field, msg);
  }

  public static FieldError duplicate(String field, Object value) {
    return new FieldError("FieldValueDuplicate", field, "Duplicate value: " + render(value));
  }

  public static FieldError notFound(String field, Object value) {
    return new FieldError("FieldValueNotFound", field, "Not found: " + render(value));
  }

  public static FieldError notSupported(String field, Object value, List<String> supported) {
    List<String> quoted = new ArrayList<>();
    for (String s : supported) {
      quoted.add("\"" + s + "\"");
    }
    String msg = "Unsupported value: " + render(value);
    if (!supported.isEmpty()) {
      msg += ": supported values: " + String.join(", ", quoted);
    }
    return new FieldError("FieldValueNotSupported", field, msg);
  }

  public static FieldError forbidden(String field, String detail) {
    return new FieldError("FieldValueForbidden", field, "Forbidden: " + detail);
  }

  public static FieldError tooLong(String field, long max) {
    return new FieldError(
        "FieldValueTooLong", field, "Too long: may not be more than " + max + " bytes");
  }

  /** Strings quoted like Go's %q, numbers and booleans plain, trees as JSON. */
  static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return new TextNode(s).toString();
    }
    if (value instanceof JsonNode n) {
      return n.isTextual() ? n.toString() : n.isValueNode() ? n.asText() : n.toString();
    }
    return value.toString();
  }
}
