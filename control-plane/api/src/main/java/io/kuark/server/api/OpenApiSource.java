package io.kuark.server.api;

import java.util.Optional;

/** Serves {@code /openapi/v2} and {@code /openapi/v3[/...]} documents. */
public interface OpenApiSource {

  /** No OpenAPI documents (404). */
  OpenApiSource NONE = (path, query) -> Optional.empty();

  /**
   * @param path the request path, e.g. {@code /openapi/v3/apis/apps/v1}
   * @param query the raw query string or null
   * @return the JSON document, or empty for 404
   */
  Optional<String> document(String path, String query);
}
