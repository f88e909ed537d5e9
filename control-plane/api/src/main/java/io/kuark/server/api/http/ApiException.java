package io.kuark.server.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An expected request failure carrying the {@code metav1.Status} the client receives. Thrown by
 * handlers and caught by the dispatcher, which writes {@link #status()} with {@link #code()}.
 */
public final class ApiException extends RuntimeException {

  private final int code;
  private final transient ObjectNode status;

  ApiException(int code, ObjectNode status) {
    super(status.path("message").asText(), null, false, false);
    this.code = code;
    this.status = status;
  }

  /** HTTP status code. */
  public int code() {
    return code;
  }

  /** The {@code Status} object (kind Status, apiVersion v1, status Failure). */
  public ObjectNode status() {
    return status;
  }

  /** The Status reason, e.g. {@code NotFound}. */
  public String reason() {
    return status.path("reason").asText();
  }
}
