package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.openapi.TypedRoundTrip;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code fieldValidation} query parameter for unknown fields of built-in kinds: {@code Strict}
 * rejects them (400 BadRequest, "strict decoding error"), {@code Warn} (the default) and {@code
 * Ignore} drop them, Warn also returning one warning per field, as upstream's decoder does. The
 * same walk ({@link TypedRoundTrip}) does the rest of upstream's decode and encode: empty optional
 * lists and maps dropped, times re-encoded (a time that does not parse is a 400, as upstream's).
 */
final class FieldValidation {

  private FieldValidation() {}

  /**
   * Checks {@code object}, removes its unknown fields and applies the rest of the round trip.
   *
   * @return warnings for the {@code Warning} header
   */
  static List<String> apply(ResourceType type, ObjectNode object, String mode) {
    if (type.modelClass() == null) {
      return List.of();
    }
    String m = mode(mode);
    TypedRoundTrip.Result result = TypedRoundTrip.apply(type, object, true);
    List<String> messages = messages(result);
    if (m.equals("Strict") && !messages.isEmpty()) {
      throw cannotBeHandled(type, "strict decoding error: " + String.join(", ", messages));
    }
    rejectInvalidTimes(type, result);
    return m.equals("Warn") ? messages : List.of();
  }

  /**
   * The directive of a request, checked before anything is done: {@code Warn} when absent, as
   * upstream's default for the API (kubectl sends {@code Strict} itself).
   */
  static String mode(String mode) {
    String m = mode == null || mode.isEmpty() ? "Warn" : mode;
    if (!m.equals("Strict") && !m.equals("Warn") && !m.equals("Ignore")) {
      throw Statuses.badRequest(
          "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \""
              + mode
              + "\"");
    }
    return m;
  }

  /**
   * The round trip of an object produced by a JSON, merge or strategic merge patch, whose unknown
   * fields are judged as upstream's patch handler judges them when it decodes the patched object:
   * {@code Strict} is a 422 Invalid on the field {@code patch} (upstream's message shows the
   * patched object, or the strategic merge patch itself), {@code Warn} drops them with one warning
   * each, {@code Ignore} drops them silently.
   *
   * @param mode a value of {@link #mode}
   * @param shownValue what upstream's message shows as the invalid value
   * @return warnings for the {@code Warning} header
   */
  static List<String> applyToPatched(
      ResourceType type, ObjectNode patched, String mode, Supplier<String> shownValue) {
    if (type.modelClass() == null) {
      return List.of();
    }
    String shown = mode.equals("Strict") ? shownValue.get() : null;
    TypedRoundTrip.Result result = TypedRoundTrip.apply(type, patched, true);
    List<String> messages = messages(result);
    if (shown != null && !messages.isEmpty()) {
      String why =
          "Invalid value: "
              + new TextNode(shown)
              + ": strict decoding error: "
              + String.join(", ", messages);
      ObjectNode details = Json.object();
      ObjectNode cause = details.putArray("causes").addObject();
      cause.put("reason", "FieldValueInvalid");
      cause.put("message", why);
      cause.put("field", "patch");
      // Upstream names neither a kind nor an object here, hence the message's empty quotes.
      throw Statuses.failure(422, "Invalid", " \"\" is invalid: patch: " + why, details);
    }
    rejectInvalidTimes(type, result);
    return mode.equals("Warn") ? messages : List.of();
  }

  /**
   * Rejects a server-side apply configuration with fields its type does not have, whatever {@code
   * fieldValidation} says: upstream's field manager cannot convert such a configuration to its
   * typed form and answers a 500 with this message. The configuration itself is left as sent:
   * upstream compares its values with the stored ones before anything re-encodes them (an applied
   * {@code 10:00:00.5Z} differs from a stored {@code 10:00:00Z}, and conflicts with its owner).
   */
  static void rejectUnknownInApplyConfiguration(ResourceType type, ObjectNode applied) {
    if (type.modelClass() == null) {
      return;
    }
    TypedRoundTrip.Result result = TypedRoundTrip.apply(type, applied.deepCopy(), true);
    if (!result.unknownFields().isEmpty()) {
      JsonNode metadata = applied.path("metadata");
      StringBuilder why = new StringBuilder("failed to create typed patch object (");
      why.append(metadata.path("namespace").asText(""))
          .append('/')
          .append(metadata.path("name").asText(""))
          .append("; ")
          .append(type.group())
          .append('/')
          .append(type.version())
          .append(", Kind=")
          .append(type.kind())
          .append("): ");
      List<String> errors = new ArrayList<>();
      for (String field : result.unknownFields()) {
        errors.add("." + field + ": field not declared in schema");
      }
      why.append(errors.size() == 1 ? errors.get(0) : "errors:\n  " + String.join("\n  ", errors));
      ObjectNode status = Json.object();
      status.put("kind", "Status");
      status.put("apiVersion", "v1");
      status.putObject("metadata");
      status.put("status", "Failure");
      status.put("message", why.toString());
      status.put("code", 500);
      throw Statuses.fromStatus(500, status);
    }
  }

  private static List<String> messages(TypedRoundTrip.Result result) {
    List<String> messages = new ArrayList<>();
    for (String field : result.unknownFields()) {
      messages.add("unknown field \"" + field + "\"");
    }
    return messages;
  }

  /**
   * The round trip of an object merged by server-side apply: empty optional lists and maps dropped,
   * times re-encoded (its configuration's unknown fields were rejected before).
   */
  static void roundTrip(ResourceType type, ObjectNode object) {
    rejectInvalidTimes(type, TypedRoundTrip.apply(type, object, false));
  }

  private static void rejectInvalidTimes(ResourceType type, TypedRoundTrip.Result result) {
    if (!result.invalidTimes().isEmpty()) {
      throw cannotBeHandled(type, String.join(", ", result.invalidTimes()));
    }
  }

  private static ApiException cannotBeHandled(ResourceType type, String why) {
    return Statuses.badRequest(
        type.kind()
            + " in version \""
            + type.version()
            + "\" cannot be handled as a "
            + type.kind()
            + ": "
            + why);
  }
}
