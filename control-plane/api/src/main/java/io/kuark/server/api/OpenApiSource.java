package io.kuark.server.api;

import java.util.Optional;

/** Serves {@code /openapi/v2} and {@code /openapi/v3[/...]} documents. */
public interface OpenApiSource {

  /** No OpenAPI documents (404). */
  OpenApiSource NONE = (path, accept) -> Optional.empty();

  /**
   * A document to send.
   *
   * @param body the bytes
   * @param contentType its Content-Type
   */
  record Document(byte[] body, String contentType) {}

  /**
   * @param path the request path, e.g. {@code /openapi/v3/apis/apps/v1}
   * @param accept the request's Accept header or null
   * @return the document, or empty for 404
   */
  Optional<Document> document(String path, String accept);
}
