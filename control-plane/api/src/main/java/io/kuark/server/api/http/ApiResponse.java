package io.kuark.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A complete JSON response.
 *
 * @param code HTTP status
 * @param body JSON body
 * @param warnings values for {@code Warning} headers (e.g. fieldValidation=Warn findings)
 * @param encoded the body already encoded as JSON (then {@code body} is null), or null
 */
public record ApiResponse(int code, JsonNode body, List<String> warnings, byte[] encoded) {

  public ApiResponse(int code, JsonNode body, List<String> warnings) {
    this(code, body, warnings, null);
  }

  /** A 200 whose JSON body is already encoded. */
  public static ApiResponse okEncoded(byte[] json) {
    return new ApiResponse(200, null, List.of(), json);
  }

  /** The body as JSON bytes. */
  public byte[] bodyBytes() {
    return encoded != null ? encoded : Json.bytes(body);
  }

  public static ApiResponse ok(JsonNode body) {
    return new ApiResponse(200, body, List.of());
  }

  public static ApiResponse created(JsonNode body) {
    return new ApiResponse(201, body, List.of());
  }

  public ApiResponse withWarnings(List<String> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(warnings);
    all.addAll(more);
    return new ApiResponse(code, body, all, encoded);
  }
}
