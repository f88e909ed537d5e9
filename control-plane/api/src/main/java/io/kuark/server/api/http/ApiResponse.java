package io.kuark.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A complete JSON response.
 *
 * @param code HTTP status
 * @param body JSON body
 * @param warnings values for {@code Warning} headers (e.g. fieldValidation=Warn findings)
 */
public record ApiResponse(int code, JsonNode body, List<String> warnings) {

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
    return new ApiResponse(code, body, all);
  }
}
