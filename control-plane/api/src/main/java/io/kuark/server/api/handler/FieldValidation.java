package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.openapi.TypedRoundTrip;
import java.util.ArrayList;
import java.util.List;

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
    String m = mode == null || mode.isEmpty() ? "Warn" : mode;
    if (!m.equals("Strict") && !m.equals("Warn") && !m.equals("Ignore")) {
      throw Statuses.badRequest(
          "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \""
              + mode
              + "\"");
    }
    TypedRoundTrip.Result result = TypedRoundTrip.apply(type, object, true);
    List<String> unknown = result.unknownFields();
    List<String> messages = new ArrayList<>();
    for (String field : unknown) {
      messages.add("unknown field \"" + field + "\"");
    }
    if (m.equals("Strict") && !unknown.isEmpty()) {
      throw cannotBeHandled(type, "strict decoding error: " + String.join(", ", messages));
    }
    rejectInvalidTimes(type, result);
    return m.equals("Warn") ? messages : List.of();
  }

  /**
   * The round trip of a patched object: empty optional lists and maps dropped, times re-encoded;
   * its unknown fields are kept as they are.
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
